package io.bpfring.bench.mpsc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** One producer thread's count of records, on cache lines of its own, read by the thread that measures. */
public final class Tally {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int COUNT = 8;
    private final long[] counts = new long[2 * COUNT];

    void increment() {
        LONGS.setOpaque(counts, COUNT, counts[COUNT] + 1);
    }

    long count() {
        return (long) LONGS.getOpaque(counts, COUNT);
    }
}
