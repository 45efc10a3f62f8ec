package io.bpfring.sinks;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A ring's counts, kept by the thread that reads it and read by the metrics endpoint, the live
 * counters, Flight Recorder and the closing line. Made by {@link SinkSet#ring}.
 *
 * <p>The reader calls {@link #record(int)} for each record read, {@link #lost(long)} with the
 * total the kernel reported lost so far (the sum of a perf buffer's LOST records), and, if the
 * BPF program counts the records it found no room for in a map, {@link #dropped(long)} with that
 * count. How full the ring is comes from the supplier given to {@link SinkSet#ring}: the bytes
 * the kernel has written that the reader has not consumed ({@code producer_pos - consumer_pos}),
 * which is the reader's lag.
 */
public final class RingMeter {
    private final String name;
    private final long size;
    private final LongSupplier available;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    /** -1 until the reader reports a count: a program that counts nothing has dropped nothing we know of. */
    private final AtomicLong dropped = new AtomicLong(-1);

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

    /** The total the kernel reported lost so far (it never goes down: a smaller total is ignored). */
    public void lost(long total) {
        lost.accumulateAndGet(total, Math::max);
    }

    /**
     * The total the BPF program counted as dropped so far, records it found no room for (it never
     * goes down: a smaller total is ignored).
     */
    public void dropped(long total) {
        dropped.accumulateAndGet(Math.max(0, total), Math::max);
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
        long drops = dropped.get();
        return new RingStats(name, size, records.get(), bytes.get(), lost.get(), Math.max(0, drops), drops >= 0, avail);
    }

    /**
     * One ring's counts at a moment.
     *
     * @param ring the ring's name
     * @param size data size in bytes (0 if unknown)
     * @param records records read
     * @param bytes bytes of records read
     * @param lost records the kernel reported lost because the ring was full
     * @param dropped records the BPF program counted as dropped because the ring was full
     * @param countsDropped whether the program's count was reported (if not, {@code dropped} is 0)
     * @param available bytes written and not yet read: the reader's lag
     */
    public record RingStats(String ring, long size, long records, long bytes, long lost, long dropped,
                            boolean countsDropped, long available) {
        /** How full the ring is, 0 to 100 (0 when its size is unknown). */
        public double fillPercent() {
            return size <= 0 ? 0 : Math.min(100.0, 100.0 * available / size);
        }

        /** The counts as the closing and status lines show them: {@code 0 lost}, or {@code 0 lost, 3 dropped}. */
        public String counts() {
            return countsDropped ? lost + " lost, " + dropped + " dropped" : lost + " lost";
        }
    }
}
