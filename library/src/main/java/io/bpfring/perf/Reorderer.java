package io.bpfring.perf;

import java.time.Duration;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * Puts events from per-CPU perf buffers back in timestamp order: each event is held until no
 * event older than it can still arrive, which is assumed once a newer event {@code window} later
 * has been seen. An event that arrives later than that is passed on at once and counted as late.
 *
 * <p>The price is latency (the window) and memory (the events of one window). The ring buffer
 * needs none of this: it delivers events in the order they were reserved.
 *
 * <p>Not thread-safe: feed it from the consuming thread.
 */
public final class Reorderer<T> {
    private final long windowNanos;
    private final ToLongFunction<T> timestamp;
    private final Consumer<T> downstream;
    private final PriorityQueue<Held<T>> held = new PriorityQueue<>();
    private long newest = Long.MIN_VALUE;
    private long released = Long.MIN_VALUE;
    private long arrival;
    private long fixed;
    private long late;

    private record Held<T>(long timestamp, long arrival, T event) implements Comparable<Held<T>> {
        @Override
        public int compareTo(Held<T> other) {
            int byTime = Long.compare(timestamp, other.timestamp);
            return byTime != 0 ? byTime : Long.compare(arrival, other.arrival);
        }
    }

    /**
     * @param window     how long after an event's timestamp an older event may still arrive
     * @param timestamp  the event's timestamp in nanoseconds (e.g. from bpf_ktime_get_ns)
     * @param downstream receives the events in timestamp order
     */
    public Reorderer(Duration window, ToLongFunction<T> timestamp, Consumer<T> downstream) {
        this.windowNanos = window.toNanos();
        this.timestamp = timestamp;
        this.downstream = downstream;
    }

    /** Takes an event; passes on every held event that is now old enough. */
    public void accept(T event) {
        long ts = timestamp.applyAsLong(event);
        if (ts < released) {
            late++;
            downstream.accept(event);
            return;
        }
        if (ts < newest) {
            fixed++;
        }
        newest = Math.max(newest, ts);
        held.add(new Held<>(ts, arrival++, event));
        releaseUpTo(newest - windowNanos);
    }

    /** Passes on every held event, in order: at the end of a stream, or when it has gone quiet. */
    public void flush() {
        releaseUpTo(Long.MAX_VALUE);
    }

    private void releaseUpTo(long limit) {
        while (!held.isEmpty() && held.peek().timestamp() <= limit) {
            Held<T> next = held.poll();
            released = next.timestamp();
            downstream.accept(next.event());
        }
    }

    /** Events that arrived out of order and were passed on in order. */
    public long fixed() {
        return fixed;
    }

    /** Events that arrived after newer ones had been passed on: out of order still. */
    public long late() {
        return late;
    }

    /** Events held now. */
    public int held() {
        return held.size();
    }
}
