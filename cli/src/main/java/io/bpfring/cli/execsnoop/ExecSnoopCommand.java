package io.bpfring.cli.execsnoop;

import io.bpfring.cli.SinkOptionsMixin;
import io.bpfring.cli.Sizes;
import io.bpfring.cli.TraceLoop;
import io.bpfring.sinks.RingMeter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code bpfring execsnoop}: one line per exec, system-wide. */
@Command(name = "execsnoop",
        mixinStandardHelpOptions = true,
        description = {
                "Trace every exec on the system, as BCC's and libbpf-tools' execsnoop do.",
                "",
                "A BPF program on the sched/sched_process_exec tracepoint sends each event",
                "(pid, comm, filename: 532 bytes) to user space in one of three ways:",
                "  ringbuf-reserve  reserved straight in a BPF ring buffer, filled in place,",
                "                   submitted (the default: no copy, fails early when full)",
                "  ringbuf-output   built in a per-CPU array, copied into the ring buffer",
                "  perfbuf          built in a per-CPU array, sent to the per-CPU perf buffer",
                "All three print the same rows. Events that found no room are counted in",
                "the program and reported at exit.",
                "",
                "Each exec can also go to Kafka, OpenTelemetry or a Flight Recorder file",
                "(--sink), with its counts served to Prometheus (--metrics).",
        },
        footer = {
                "",
                "Examples:",
                "  bpfring execsnoop                 trace until Ctrl-C",
                "  bpfring execsnoop -d 10s          trace for ten seconds",
                "  bpfring execsnoop -c 100 --json   the first 100 execs as JSON lines",
                "  bpfring execsnoop --ring-size 4M  a larger ring for bursts",
                "  bpfring execsnoop -t perfbuf -p 64  the perf buffer, 64 pages per CPU",
                "  bpfring execsnoop --sink kafka://127.0.0.1:9092/execs   to a Kafka topic",
                "  bpfring execsnoop --sink otlp://127.0.0.1:4317 --sink stdout",
                "                                    to an OpenTelemetry collector, and a table",
                "  bpfring execsnoop --sink jfr:execs.jfr -d 1m --metrics 9464",
                "                                    a Flight Recorder file; metrics at",
                "                                    http://127.0.0.1:9464/metrics",
                "",
                "Columns: TIME (local, when read), EVENT, PID (process id), COMM (the new",
                "program's name, 15 characters at most), FILENAME (the path exec was",
                "given).",
                "",
                "At the end, a line on stderr counts the events, those the ring had no room",
                "for (dropped: the program's count; lost: the kernel's, perf buffers only),",
                "and what each sink delivered, dropped or failed; runs longer than 5 s show",
                "live counters on stderr every 5 s.",
        })
public final class ExecSnoopCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    SinkOptionsMixin output;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME",
            description = "Stop after this long: 500ms, 30s, 5m or 1h.",
            converter = Sizes.PositiveTime.class)
    Duration duration;

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Stop after N events.",
            converter = Sizes.Count.class)
    int count;

    @Option(names = {"-r", "--ring-size"}, paramLabel = "SIZE", defaultValue = "256K",
            description = "Ring buffer size: a power of 2 and a multiple of the page size, "
                    + "like 64K or 4M, up to 1G (default: ${DEFAULT-VALUE}).",
            converter = Sizes.RingSize.class)
    int ringSize;

    @Option(names = {"-t", "--transport"}, paramLabel = "HOW", defaultValue = "ringbuf-reserve",
            description = "ringbuf-reserve, ringbuf-output or perfbuf (default: ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = {"-p", "--pages-per-cpu"}, paramLabel = "N", defaultValue = "32",
            description = "Perf buffer data pages per CPU, a power of 2 (default: ${DEFAULT-VALUE}).",
            converter = Sizes.PerfPages.class)
    int pagesPerCpu;

    /** The ring's counts; set before the first poll, which is where events arrive. */
    private RingMeter ring;

    @Override
    public Integer call() {
        ExecTracer.Transport how = ExecTracer.Transport.ofOption(transport);
        TraceLoop loop = output.loop(ExecRecord.TABLE, duration, count);
        loop.start();
        try (loop; ExecTracer tracer = new ExecTracer(how, ringSize, pagesPerCpu, event -> {
            ring.record(ExecEvent.SIZE);
            return loop.accept(ExecRecord.readNow(event));
        })) {
            ring = loop.ring("execs", tracer.bufferBytes(), tracer::availableBytes);
            return loop.run(new TraceLoop.Source() {
                @Override
                public void poll(Duration timeout) {
                    tracer.poll(timeout);
                    ring.lost(tracer.lost());
                    ring.dropped(tracer.dropped());
                }

                @Override
                public void wakeup() {
                    tracer.wakeup();
                }
            }, spec.commandLine().getErr(), "Tracing execs through " + how.option() + " (" + tracer.memory()
                    + "). Ctrl-C to stop.");
        }
    }
}
