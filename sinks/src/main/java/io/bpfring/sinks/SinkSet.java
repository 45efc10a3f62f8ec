package io.bpfring.sinks;

import jdk.jfr.FlightRecorder;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The sinks a tool writes to, each record to every one. Made by {@link Sinks#parse}.
 *
 * <pre>{@code
 * SinkSet sinks = Sinks.parse(uris, SinkOptions.defaults().metrics(port));  // URI syntax
 * RingMeter ring = sinks.ring("events", ringSize, reader::available);
 * sinks.start();                    // connects: a SinkException here is one line to print
 * ... for each record: ring.record(length); sinks.accept(record);
 * sinks.close();                    // delivers what is queued, prints the closing line
 * }</pre>
 *
 * <p>{@link #accept} is called by one thread (the ring's reader) and never waits unless a sink
 * says {@link OnFull#BLOCK}: it puts the record on each sink's bounded queue and returns. Each
 * sink writes from a thread of its own. Counts go to the metrics endpoint, to Flight Recorder
 * ({@code bpfring.RingStatistics} and {@code bpfring.SinkStatistics} every second, in a
 * {@code jfr:} sink's recording or any other that enables them), to live counters on the error
 * stream and to the closing line.
 */
public final class SinkSet implements AutoCloseable {
    /** Every started set, for Flight Recorder's periodic statistics. */
    private static final Set<SinkSet> LIVE = new CopyOnWriteArraySet<>();
    private static final Runnable RING_HOOK = () -> LIVE.forEach(set -> set.ringStats().forEach(JfrEvents.RingStatistics::commit));
    private static final Runnable SINK_HOOK = () -> LIVE.forEach(set -> set.sinkStats().forEach(JfrEvents.SinkStatistics::commit));

    private static boolean hooked;

    /**
     * Registers the periodic statistics with Flight Recorder, once, and only when there is a
     * recording to take them: a {@code jfr:} sink, or Flight Recorder already running in this
     * JVM. A tool writing to stdout does not pay for starting Flight Recorder.
     */
    private static synchronized boolean flightRecorder(List<Sink> sinks) {
        if (!hooked && (FlightRecorder.isInitialized() || sinks.stream().anyMatch(s -> s instanceof JfrSink))) {
            FlightRecorder.addPeriodicEvent(JfrEvents.RingStatistics.class, RING_HOOK);
            FlightRecorder.addPeriodicEvent(JfrEvents.SinkStatistics.class, SINK_HOOK);
            hooked = true;
        }
        return hooked;
    }

    private enum State { NEW, OPEN, STARTED, CLOSED }

    private final List<Sink> sinks;
    private final Sink[] array;
    private final SinkOptions options;
    private final List<RingMeter> rings = new CopyOnWriteArrayList<>();
    private final AtomicLong records = new AtomicLong();
    private volatile State state = State.NEW;
    private boolean recorded;
    private Metrics metrics;
    private StatusLine status;
    private Summary summary;

    SinkSet(List<Sink> sinks, SinkOptions options) {
        this.sinks = List.copyOf(sinks);
        this.array = sinks.toArray(new Sink[0]);
        this.options = options;
    }

    /**
     * A ring to count, for the metrics, the live counters and the closing line.
     *
     * @param size the ring's data size in bytes, or 0
     * @param available the bytes written and not yet read, asked for at each scrape and status
     *     line (from any thread), or {@code null}
     */
    public RingMeter ring(String name, long size, LongSupplier available) {
        RingMeter meter = new RingMeter(name, size, available);
        rings.add(meter);
        return meter;
    }

    /** {@link #open} and {@link #begin} in one. */
    public void start() {
        open();
        begin();
    }

    /**
     * Connects every sink (a broker that does not answer, a missing topic, a file that cannot be
     * written are found here) and starts the metrics endpoint, but writes nothing yet: a tool
     * opens its sinks before it loads anything, and {@link #begin}s once it reads.
     *
     * @throws SinkException with a one-line message; the sinks opened so far are closed again
     */
    public void open() {
        if (state != State.NEW) {
            throw new IllegalStateException("sinks already " + state.name().toLowerCase(Locale.ROOT));
        }
        List<Sink> opened = new ArrayList<>();
        try {
            for (Sink sink : sinks) {
                sink.open(options);
                opened.add(sink);
            }
            if (options.metrics() != null) {
                metrics = Metrics.start(this, options.metrics());
            }
        } catch (RuntimeException e) {
            for (Sink sink : opened) {
                sink.finish();
            }
            state = State.CLOSED;
            throw e;
        }
        state = State.OPEN;
    }

    /**
     * Starts every sink's writing thread (a table's fixed header is printed then) and the live
     * counters: reading begins. The sinks must be {@linkplain #open open}.
     */
    public void begin() {
        if (state != State.OPEN) {
            throw new IllegalStateException("sinks not open, or begun already, or closed");
        }
        for (Sink sink : sinks) {
            sink.start();
        }
        recorded = flightRecorder(sinks);
        LIVE.add(this);
        if (options.statusInterval() != null) {
            status = StatusLine.start(this, options.statusInterval(), options.err());
        }
        state = State.STARTED;
    }

    /**
     * Hands a record to every sink: queued, or dropped and counted if a queue is full. The
     * record must hold its own data (not a view of ring memory). Meant for one reading thread.
     */
    public void accept(SinkRecord record) {
        if (state != State.STARTED) {
            throw new IllegalStateException("sinks not started, or closed");
        }
        records.incrementAndGet();
        for (Sink sink : array) {
            sink.offer(record);
        }
    }

    /** Records handed to {@link #accept}. */
    public long records() {
        return records.get();
    }

    /** Each sink's counts now, in the order given. */
    public List<SinkStats> sinkStats() {
        List<SinkStats> all = new ArrayList<>(array.length);
        for (Sink sink : array) {
            all.add(sink.stats());
        }
        return all;
    }

    /** Each ring's counts now. */
    public List<RingMeter.RingStats> ringStats() {
        List<RingMeter.RingStats> all = new ArrayList<>(rings.size());
        for (RingMeter ring : rings) {
            all.add(ring.stats());
        }
        return all;
    }

    /** Where the metrics endpoint listens, or {@code null} without one. */
    public InetSocketAddress metricsAddress() {
        return metrics == null ? null : new InetSocketAddress(options.metrics().getAddress(), metrics.port());
    }

    /**
     * Delivers what is queued (waiting up to the close timeout in all), closes every sink,
     * stops the metrics endpoint, and prints the closing line with every count on the error
     * stream ({@link #summary()} has the same counts). Calling it again does nothing.
     */
    @Override
    public void close() {
        close(true);
    }

    /**
     * Closes every sink as {@link #close} does but prints no closing line: for a tool that
     * failed after {@link #start} and before reading, whose one line is its error. Does nothing
     * once closed.
     */
    public void closeQuietly() {
        close(false);
    }

    private synchronized void close(boolean report) {
        if (summary != null) {
            return;
        }
        boolean started = state == State.STARTED;
        boolean openOnly = state == State.OPEN;
        state = State.CLOSED;
        if (status != null) {
            status.stop();
        }
        long deadline = System.nanoTime() + options.closeTimeout().toNanos();
        if (started) {
            for (Sink sink : sinks) {
                sink.drain(deadline);
            }
            if (recorded) {
                // The last statistics, with every count final, before the recordings stop.
                ringStats().forEach(JfrEvents.RingStatistics::commit);
                sinkStats().forEach(JfrEvents.SinkStatistics::commit);
            }
            for (Sink sink : sinks) {
                sink.finish();
            }
        } else if (openOnly) {
            for (Sink sink : sinks) { // connected, never written to
                sink.finish();
            }
        }
        LIVE.remove(this);
        if (metrics != null) {
            metrics.close();
        }
        summary = new Summary(records(), ringStats(), sinkStats());
        if (started && report) {
            options.err().println(summary.line());
            options.err().flush();
        }
    }

    /** The final counts after {@link #close}; before it, the counts so far. */
    public synchronized Summary summary() {
        return summary != null ? summary : new Summary(records(), ringStats(), sinkStats());
    }

    /** Waits up to {@code timeout} for every sink to have nothing queued or in flight; for tests and tools. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sinkStats().stream().anyMatch(s -> s.lag() > 0)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /**
     * Every count at close.
     *
     * @param records records handed to the sinks
     * @param rings each ring's counts
     * @param sinks each sink's counts
     */
    public record Summary(long records, List<RingMeter.RingStats> rings, List<SinkStats> sinks) {
        /** Whether every sink delivered every record. */
        public boolean complete() {
            return sinks.stream().allMatch(s -> s.delivered() == records);
        }

        /**
         * One line: {@code sinks: 1000 records (ring events: 0 lost, 2 dropped); kafka://h:9092/t:
         * 1000 delivered, 0 dropped, 0 failed, 0 unsent; ...}.
         */
        public String line() {
            StringBuilder out = new StringBuilder("sinks: ").append(records).append(" records");
            if (!rings.isEmpty()) {
                out.append(" (");
                for (int i = 0; i < rings.size(); i++) {
                    RingMeter.RingStats r = rings.get(i);
                    out.append(i == 0 ? "" : ", ").append("ring ").append(r.ring()).append(": ").append(r.counts());
                }
                out.append(')');
            }
            for (SinkStats s : sinks) {
                out.append("; ").append(s.sink()).append(": ").append(s.delivered()).append(" delivered, ")
                        .append(s.dropped()).append(" dropped, ").append(s.failed()).append(" failed, ")
                        .append(s.unsent()).append(" unsent");
            }
            return out.toString();
        }
    }
}
