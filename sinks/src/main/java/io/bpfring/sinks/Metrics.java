package io.bpfring.sinks;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.ToDoubleFunction;

/**
 * The Prometheus endpoint: {@code /metrics} in the text format, read at each scrape from the
 * same counts as the closing line (no second set of counters to drift apart). Per ring (label
 * {@code ring}): records, bytes, lost (the kernel's count), dropped (the program's), bytes
 * available (the reader's lag), size. Per sink (label {@code sink}): accepted, delivered,
 * dropped, failed, unsent, bytes, time blocked, queued, in flight, queue capacity. And all
 * records handed to the sinks.
 */
final class Metrics implements AutoCloseable {
    private final HTTPServer server;

    private Metrics(HTTPServer server) {
        this.server = server;
    }

    static Metrics start(SinkSet set, InetSocketAddress address) {
        PrometheusRegistry registry = new PrometheusRegistry();
        CounterWithCallback.builder().name("bpfring_records").help("Records handed to the sinks")
                .callback(cb -> cb.call(set.records())).register(registry);

        ringCounter(registry, set, "bpfring_ring_records", "Records read from the ring", RingMeter.RingStats::records);
        ringCounter(registry, set, "bpfring_ring_bytes", "Bytes of records read from the ring", RingMeter.RingStats::bytes);
        ringCounter(registry, set, "bpfring_ring_lost", "Records the kernel reported lost because the ring was full",
                RingMeter.RingStats::lost);
        ringCounter(registry, set, "bpfring_ring_dropped", "Records the BPF program counted as dropped because the ring was full",
                RingMeter.RingStats::dropped);
        ringGauge(registry, set, "bpfring_ring_available_bytes",
                "Bytes written by the kernel and not yet read: the reader's lag", RingMeter.RingStats::available);
        ringGauge(registry, set, "bpfring_ring_size_bytes", "The ring's data size", RingMeter.RingStats::size);

        sinkCounter(registry, set, "bpfring_sink_accepted", "Records taken into the sink's queue", SinkStats::accepted);
        sinkCounter(registry, set, "bpfring_sink_delivered", "Records the destination has", SinkStats::delivered);
        sinkCounter(registry, set, "bpfring_sink_dropped", "Records refused because the sink's queue was full",
                SinkStats::dropped);
        sinkCounter(registry, set, "bpfring_sink_failed", "Records the destination refused or that could not be written",
                SinkStats::failed);
        sinkCounter(registry, set, "bpfring_sink_unsent", "Records still queued or in flight when closing gave up",
                SinkStats::unsent);
        sinkCounter(registry, set, "bpfring_sink_bytes", "Bytes delivered", SinkStats::bytes);
        sinkCounter(registry, set, "bpfring_sink_blocked_seconds", "Time the reader waited for room in the queue",
                s -> s.blockedNanos() / 1e9);
        sinkGauge(registry, set, "bpfring_sink_queued", "Records waiting in the sink's queue", SinkStats::queued);
        sinkGauge(registry, set, "bpfring_sink_in_flight", "Records sent and not yet acknowledged", SinkStats::inFlight);
        sinkGauge(registry, set, "bpfring_sink_queue_capacity", "The sink's queue size in records", SinkStats::capacity);
        try {
            return new Metrics(HTTPServer.builder().inetAddress(address.getAddress()).port(address.getPort())
                    .registry(registry).buildAndStart());
        } catch (IOException | RuntimeException e) {
            throw new SinkException("--metrics: cannot listen on " + address.getAddress().getHostAddress() + ":"
                    + address.getPort() + ": " + Sink.describe(e), e);
        }
    }

    private static void ringCounter(PrometheusRegistry registry, SinkSet set, String name, String help,
                                    ToDoubleFunction<RingMeter.RingStats> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("ring").callback(cb -> {
            for (RingMeter.RingStats s : set.ringStats()) {
                cb.call(value.applyAsDouble(s), s.ring());
            }
        }).register(registry);
    }

    private static void ringGauge(PrometheusRegistry registry, SinkSet set, String name, String help,
                                  ToDoubleFunction<RingMeter.RingStats> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("ring").callback(cb -> {
            for (RingMeter.RingStats s : set.ringStats()) {
                cb.call(value.applyAsDouble(s), s.ring());
            }
        }).register(registry);
    }

    private static void sinkCounter(PrometheusRegistry registry, SinkSet set, String name, String help,
                                    ToDoubleFunction<SinkStats> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames("sink").callback(cb -> {
            for (SinkStats s : set.sinkStats()) {
                cb.call(value.applyAsDouble(s), s.sink());
            }
        }).register(registry);
    }

    private static void sinkGauge(PrometheusRegistry registry, SinkSet set, String name, String help,
                                  ToDoubleFunction<SinkStats> value) {
        GaugeWithCallback.builder().name(name).help(help).labelNames("sink").callback(cb -> {
            for (SinkStats s : set.sinkStats()) {
                cb.call(value.applyAsDouble(s), s.sink());
            }
        }).register(registry);
    }

    /** The port it listens on (the one taken, when 0 was asked for). */
    int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
