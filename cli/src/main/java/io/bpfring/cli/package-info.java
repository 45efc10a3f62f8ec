/**
 * The {@code bpfring} command line (picocli): {@link io.bpfring.cli.Main} and every command,
 * execsnoop, order-check, burst-check, bench, mpsc and jmh. A bad option is one line that names
 * it, checked before anything is loaded; sizes, durations and counts are read one way on every
 * command ({@link io.bpfring.cli.Sizes}). The tracing commands (run, execsnoop) send their
 * records to sinks (stdout, Kafka, OpenTelemetry, Flight Recorder; the bpfring-sinks module)
 * through one set of options ({@link io.bpfring.cli.SinkOptionsMixin}) and one read loop
 * ({@link io.bpfring.cli.TraceLoop}).
 *
 * <p>It holds no ring or BPF logic of its own: the library does that, and the bench module
 * measures. It uses the library's exported packages only.
 */
package io.bpfring.cli;
