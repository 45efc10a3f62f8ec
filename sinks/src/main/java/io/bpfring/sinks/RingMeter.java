package io.bpfring.sinks;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A ring's counts, kept by the thread that reads it and read by the metrics endpoint, the live
 * counters, Flight Recorder and the closing line. Made by {@link SinkSet#ring}.
 *
 * <p>The reader calls {@link #record(int)} for each record read, and {@link #lost(long)} with
 * the total lost so far (a BPF ring buffer's drop counter, which the program keeps in a map, or
 * the sum of a perf buffer's LOST records). How full the ring is comes from the supplier given
 * to {@link SinkSet#ring}: the bytes the kernel has written that the reader has not consumed
 * ({@code producer_pos - consumer_pos}), which is the reader's lag.
 */
public final class RingMeter {
    private final String name;
    private final long size;
    private final LongSupplier available;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();

    RingMeter(String name, long size, LongSupplier available) {
        this.name = Objects.requireNonNull(name);
        this.size = size;
        this.available = available == null ? () -> 0 : available;
    }

    /** One record of {@code byteCount} bytes was read. */
    public void record(int byteCount) {
        records.lazySet(records.get() + 1);
        bytes.lazySet(bytes.get() + byteCount);
    }

    /** Records read in bulk: {@code count} records, {@code byteCount} bytes in all. */
    public void records(long count, long byteCount) {
        records.lazySet(records.get() + count);
        bytes.lazySet(bytes.get() + byteCount);
    }

    /** The ring's total lost so far (it never goes down: a smaller total is ignored). */
    public void lost(long total) {
        lost.accumulateAndGet(total, Math::max);
    }

    public String name() {
        return name;
    }

    /** The ring's data size in bytes (0 if unknown). */
    public long size() {
        return size;
    }

    /** A snapshot of the counts. */
    public RingStats stats() {
        long avail;
        try {
            avail = Math.max(0, available.getAsLong());
        } catch (RuntimeException e) {
            avail = 0; // a ring closed under the metrics thread has nothing waiting
        }
        return new RingStats(name, size, records.get(), bytes.get(), lost.get(), avail);
    }

    /**
     * One ring's counts at a moment.
     *
     * @param ring the ring's name
     * @param size data size in bytes (0 if unknown)
     * @param records records read
     * @param bytes bytes of records read
     * @param lost records the kernel could not write because the ring was full
     * @param available bytes written and not yet read: the reader's lag
     */
    public record RingStats(String ring, long size, long records, long bytes, long lost, long available) {
        /** How full the ring is, 0 to 100 (0 when its size is unknown). */
        public double fillPercent() {
            return size <= 0 ? 0 : Math.min(100.0, 100.0 * available / size);
        }
    }
}
