package io.bpfring.cli;

import io.bpfring.sinks.RingMeter;
import io.bpfring.sinks.SinkRecord;
import io.bpfring.sinks.SinkSet;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The read loop of a tracing command (run, execsnoop), made by {@link SinkOptionsMixin#loop}:
 * connects the sinks before the command loads anything, polls the command's buffers until the
 * duration, the count or Ctrl-C, hands each record to every sink, and closes them, which prints
 * the closing line. Live counters go to the error stream every few seconds meanwhile, from the
 * sinks.
 */
public final class TraceLoop implements AutoCloseable {
    private static final Duration POLL_SLICE = Duration.ofMillis(100);
    /** The signals that end the loop like the duration does, with the closing line. */
    private static final List<String> STOP_SIGNALS = List.of("INT", "TERM");

    /** What the loop reads: a command's buffers. */
    public interface Source {
        /** Delivers what the buffers hold, waiting up to {@code timeout} for some. */
        void poll(Duration timeout);

        /** Makes a running {@link #poll} return; called from another thread (Ctrl-C). */
        void wakeup();
    }

    private final SinkSet sinks;
    private final Duration duration;
    private final long count;
    private volatile boolean interrupted;
    private volatile int exitStatus;

    TraceLoop(SinkSet sinks, Duration duration, long count) {
        this.sinks = sinks;
        this.duration = duration;
        this.count = count;
    }

    /** A buffer to count for the metrics, the live counters and the closing line. */
    public RingMeter ring(String name, long size, LongSupplier available) {
        return sinks.ring(name, size, available);
    }

    /**
     * Hands a record (holding its own data) to every sink; false once the count is reached, so
     * that the handler that read it ends its poll.
     */
    public boolean accept(SinkRecord record) {
        sinks.accept(record);
        return !done();
    }

    /** Whether reading is over: Ctrl-C, or the count reached. */
    public boolean done() {
        return interrupted || (count > 0 && sinks.records() >= count);
    }

    /**
     * Connects the sinks: a {@link io.bpfring.sinks.SinkException} here is one line. Commands call
     * it before loading anything, so that a broker that does not answer leaves nothing attached.
     */
    public void start() {
        sinks.open();
    }

    /** Closes the sinks without the closing line if {@link #run} has not: the command failed before reading. */
    @Override
    public void close() {
        sinks.closeQuietly();
    }

    /**
     * Prints {@code banner}, reads until the duration, the count or Ctrl-C, then delivers what is
     * queued and prints the closing line. The sinks must be {@linkplain #start connected}.
     *
     * @return the command's exit status: 0, or 128 plus the signal's number after Ctrl-C (130) or SIGTERM (143)
     */
    public int run(Source source, PrintWriter err, String banner) {
        err.println(banner);
        err.flush();
        sinks.begin(); // a table's header now, not before a load that may fail
        // A signal handler, not a shutdown hook, ends the loop: shutdown hooks run all at once, and
        // the JDK's Flight Recorder hook stops every recording, a jfr: sink's too, while it is still
        // being written to. A second Ctrl-C finds the JVM's own handler again and quits at once.
        Map<Signal, SignalHandler> previous = new HashMap<>();
        SignalHandler stop = signal -> {
            exitStatus = 128 + signal.getNumber();
            interrupted = true;
            source.wakeup();
            restore(previous);
        };
        synchronized (previous) {
            for (String name : STOP_SIGNALS) {
                Signal signal = new Signal(name);
                try {
                    previous.put(signal, Signal.handle(signal, stop));
                } catch (IllegalArgumentException e) {
                    // The JVM keeps this one (-Xrs, or ignored by the parent): it ends the JVM as before.
                }
            }
        }
        try (sinks) {
            // Time gone by is a difference of nanoTime, which holds across its wrap; no deadline to overflow.
            long start = System.nanoTime();
            while (!done()) {
                Duration left = duration == null ? POLL_SLICE : duration.minusNanos(System.nanoTime() - start);
                if (!left.isPositive()) {
                    break;
                }
                source.poll(left.compareTo(POLL_SLICE) < 0 ? left : POLL_SLICE);
            }
        } finally {
            restore(previous);
        }
        return exitStatus;
    }

    private static void restore(Map<Signal, SignalHandler> previous) {
        synchronized (previous) {
            previous.forEach(Signal::handle);
            previous.clear();
        }
    }
}
