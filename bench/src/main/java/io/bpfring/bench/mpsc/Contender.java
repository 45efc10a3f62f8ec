package io.bpfring.bench.mpsc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One structure of the in-JVM comparison: producer threads write records of one size, one
 * consumer thread reads them. Each producer sets a record's first bytes to 1 and the consumer
 * adds them up, so the sum is the number of records consumed, and a record lost or read twice
 * shows.
 */
public abstract class Contender implements AutoCloseable {
    /** What each structure holds: 1 MiB of records, or as many slots for the queues. */
    public static final int BYTES = 1 << 20;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    /** The sum sits mid-array: written for every record, it must not share a line with what producers read. */
    private static final int SUM = 8;

    protected final int recordSize;
    private final long[] sums = new long[2 * SUM];
    private volatile boolean producing;
    private volatile boolean consuming;
    private Thread consumer;

    protected Contender(int recordSize) {
        this.recordSize = recordSize;
    }

    /** Adds what the consumer read from a record (1 per record). */
    protected final void add(long firstBytes) {
        sums[SUM] += firstBytes;
    }

    /** The records consumed so far. */
    public final long consumed() {
        return (long) LONGS.getOpaque(sums, SUM);
    }

    /** A producer for one thread: each run writes and commits one record, waiting while the structure is full. */
    public abstract Runnable producer();

    /**
     * Writes records on the calling thread until {@link #stopProducing}, counting them in
     * {@code tally}. Each structure writes this loop itself, as it does its consumer loop: in
     * one shared loop the call to the structure's producer would see four classes, and no
     * longer inline for any of them.
     */
    public abstract void produce(Tally tally);

    /**
     * What the consumer thread runs: reads while {@link #consuming}. (Each structure has its own
     * loop, so that every call in it sees one class and inlines.)
     */
    protected abstract Runnable consumerLoop();

    /** Stops a consumer loop that does not look at {@link #consuming}. */
    protected void halt() {
    }

    protected final boolean consuming() {
        return consuming;
    }

    /** Starts the consumer thread; once per instance. */
    public final void startConsumer() {
        consuming = true;
        consumer = Thread.ofPlatform().name(getClass().getSimpleName() + "-consumer").start(consumerLoop());
    }

    public final void stopConsumer() throws InterruptedException {
        consuming = false;
        halt();
        consumer.join();
    }

    public final void startProducing() {
        producing = true;
    }

    public final void stopProducing() {
        producing = false;
    }

    protected final boolean producing() {
        return producing;
    }

    @Override
    public void close() {
    }
}
