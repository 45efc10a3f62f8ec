package io.bpfring.cli;

import io.bpfring.sinks.RingMeter;
import io.bpfring.sinks.SinkRecord;
import io.bpfring.sinks.SinkSet;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The read loop of a tracing command (run, execsnoop), made by {@link SinkOptionsMixin#loop}:
 * connects the sinks, polls the command's buffers until the duration, the count or Ctrl-C, hands
 * each record to every sink, and closes them, which prints the closing line. Live counters go to
 * the error stream every few seconds meanwhile, from the sinks.
 */
public final class TraceLoop {
    private static final Duration POLL_SLICE = Duration.ofMillis(100);

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
    private final Duration closeWait;
    private volatile boolean interrupted;

    TraceLoop(SinkSet sinks, Duration duration, long count, Duration closeWait) {
        this.sinks = sinks;
        this.duration = duration;
        this.count = count;
        this.closeWait = closeWait;
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
     * Connects the sinks (a {@link io.bpfring.sinks.SinkException} here is one line, and nothing
     * has been read), prints {@code banner}, reads until the duration, the count or Ctrl-C, then
     * delivers what is queued and prints the closing line. On Ctrl-C the JVM waits for that line.
     */
    public void run(Source source, PrintWriter err, String banner) {
        sinks.start();
        err.println(banner);
        err.flush();
        CountDownLatch finished = new CountDownLatch(1);
        Thread onCtrlC = new Thread(() -> {
            interrupted = true;
            source.wakeup();
            try {
                finished.await(closeWait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(onCtrlC);
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
            finished.countDown();
            if (!interrupted) {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            }
        }
    }
}
