/**
 * Sinks: where decoded records go (stdout as a table or JSON lines, Kafka, OpenTelemetry over
 * OTLP, Flight Recorder files), with the counts of what each delivered, dropped and failed, served
 * as Prometheus metrics, written as Flight Recorder events, shown as live counters and printed in
 * a closing line.
 *
 * <h2>For a tool: the {@code --sink}, {@code --on-full} and {@code --metrics} options</h2>
 *
 * <pre>{@code
 * SinkOptions options = SinkOptions.defaults()
 *         .onFull(OnFull.parse(onFull))          // --on-full drop|block (default drop)
 *         .table(myTable)                        // the stdout sink's columns, if the tool has its own
 *         .err(errStream).out(outStream);
 * if (metrics != null) options.metrics(metrics); // --metrics PORT (loopback) or ADDRESS:PORT
 * SinkSet sinks;
 * try {
 *     sinks = Sinks.parse(sinkUris, options);    // --sink, repeatable; none means stdout
 *     sinks.start();                             // connects, before tracing starts
 * } catch (SinkException e) {
 *     err.println(e.getMessage());               // one line, naming the sink at fault
 *     return 2;
 * }
 * RingMeter ring = sinks.ring("events", ringSize, reader::available);
 * try (sinks) {
 *     reader.poll(view -> {
 *         ring.record(view.length());
 *         sinks.accept(copyOf(view));            // a SinkRecord holding its own data
 *     });
 *     ring.dropped(dropCounter.count());      // what the program found no room for
 * }                                              // close: delivers, prints the closing line
 * }</pre>
 *
 * <p>Sink URIs ({@link io.bpfring.sinks.Sinks}): {@code stdout}, {@code stdout:json},
 * {@code kafka://HOST:PORT/TOPIC}, {@code otlp://HOST:PORT} (gRPC), {@code otlp+http://HOST:PORT},
 * {@code jfr:FILE.jfr}; each takes {@code ?queue=N&on-full=drop|block}, and Kafka any producer
 * setting.
 *
 * <h2>Records</h2>
 *
 * A {@link io.bpfring.sinks.SinkRecord} is a type name, fields in order, the JSON of the same
 * record, optionally the event's time and a key (the process id). Tools build one in one of three
 * ways: implement the interface on their own event (computing fields or JSON lazily, on the sink's
 * thread); {@link io.bpfring.sinks.SinkRecord#of} with the fields; or
 * {@link io.bpfring.sinks.SinkRecord#ofJson} with a decoder's JSON line, whose fields are parsed
 * only if a sink asks for them.
 *
 * <h2>Back-pressure</h2>
 *
 * A sink never stalls the ring for long: a stalled reader means kernel drops. Each sink has a
 * bounded queue and a thread; {@link io.bpfring.sinks.SinkSet#accept} only enqueues. A full
 * queue drops the record for that sink (counted, warned once) or, with
 * {@link io.bpfring.sinks.OnFull#BLOCK}, makes the reader wait. Every count reaches the closing
 * line, the metrics endpoint ({@code bpfring_sink_dropped_total{sink="..."}} and the rest) and
 * Flight Recorder ({@code bpfring.SinkStatistics}, {@code bpfring.RingStatistics}).
 */
package io.bpfring.sinks;
