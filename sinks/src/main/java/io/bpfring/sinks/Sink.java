package io.bpfring.sinks;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A destination of records behind a bounded queue and one thread of its own. The reading thread
 * only offers a record to the queue ({@link #offer}); the sink's thread takes batches from it
 * and writes them. A full queue is handled by the policy, drops are counted and warned of once.
 *
 * <p>Life: {@link #open} (checks and connects; a {@link SinkException} if it cannot), then
 * {@link #start}, records, then {@link #drain} (takes no more, delivers what is queued until a
 * deadline) and {@link #finish} (releases the client, the file, the connection).
 */
abstract class Sink {
    /** Records written in one go at most: large enough to amortise, small enough to stay fresh. */
    static final int MAX_BATCH = 512;
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    final String name;
    private final OnFull onFull;
    private final ArrayBlockingQueue<SinkRecord> queue;
    private final int capacity;
    final PrintStream err;

    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong unsent = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong blockedNanos = new AtomicLong();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /** Guards {@link #holding} and {@link #gaveUp}, and the counts made from the sink's thread. */
    private final Object countLock = new Object();
    /** Records the sink's thread has taken from the queue and not yet counted or handed over. */
    private volatile int holding;
    /** Closing gave up on a sink's thread that would not stop: what it held is counted as unsent. */
    private boolean gaveUp;

    private Thread worker;
    private volatile boolean draining;
    /** Set when closing gives up: whatever has not arrived by now is counted as unsent. */
    volatile boolean abandoned;

    Sink(String name, OnFull onFull, int capacity, PrintStream err) {
        this.name = name;
        this.onFull = onFull;
        this.capacity = capacity;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.err = err;
    }

    /** Checks the destination and connects; throws {@link SinkException} with a one-line reason. */
    abstract void open(SinkOptions options);

    /**
     * Writes a batch, on the sink's thread. Counts each record with {@link #delivered} or
     * {@link #failed}, or, for a client that acknowledges later, hands it over with
     * {@link #handedOver} and counts it from the client's callback. Records of the batch that
     * it neither counted nor handed over when it returns or throws are counted as failed.
     */
    abstract void write(List<SinkRecord> batch) throws Exception;

    /** Called on the sink's thread when the queue is empty: a moment to flush. */
    void idle() {
    }

    /** Records handed to the client and not yet acknowledged. */
    long inFlight() {
        return 0;
    }

    /** Waits until nothing is in flight or the deadline (a {@link System#nanoTime} value) passes. */
    void awaitInFlight(long deadline) throws InterruptedException {
    }

    /** Releases what the sink holds; after {@link #drain}. Records still in flight are unsent. */
    abstract void finish();

    /** Starts the sink's thread. */
    final void start() {
        worker = Thread.ofPlatform().daemon().name("bpfring-sink " + name).start(this::run);
    }

    /** Offers a record, on the reading thread: queued, or dropped, or waited for, as the policy says. */
    final void offer(SinkRecord record) {
        if (draining) {
            throw new IllegalStateException(name + " is closed");
        }
        if (queue.offer(record)) {
            accepted.incrementAndGet();
            return;
        }
        if (onFull == OnFull.DROP) {
            dropped.incrementAndGet();
            warnOnce("full", "queue full (" + capacity + " records): dropping records while "
                    + "it stays full; each drop is counted");
            return;
        }
        long start = System.nanoTime();
        try {
            queue.put(record);
            accepted.incrementAndGet();
        } catch (InterruptedException e) {
            dropped.incrementAndGet();
            Thread.currentThread().interrupt();
        } finally {
            blockedNanos.addAndGet(System.nanoTime() - start);
        }
    }

    private void run() {
        List<SinkRecord> batch = new ArrayList<>(MAX_BATCH);
        try {
            while (true) {
                SinkRecord first = queue.poll();
                if (first == null) {
                    idle();
                    if (draining && queue.isEmpty()) {
                        return;
                    }
                    first = queue.poll(IDLE_POLL_NANOS, TimeUnit.NANOSECONDS);
                    if (first == null) {
                        continue;
                    }
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                holding = batch.size();
                try {
                    write(batch);
                } catch (InterruptedException e) {
                    settleHeld(null);
                    return;
                } catch (Exception | LinkageError e) {
                    settleHeld(e);
                }
                settleHeld(new IllegalStateException("the sink did not count them"));
                batch.clear();
            }
        } catch (InterruptedException e) {
            // Closing gave up: the queue's rest is counted as unsent by drain.
        } finally {
            if (!gaveUp()) {
                idle();
            }
        }
    }

    /** Counts what the batch left uncounted: failed with {@code cause}, or unsent without one. */
    private void settleHeld(Throwable cause) {
        int left;
        synchronized (countLock) {
            left = holding;
            holding = 0;
            if (gaveUp || left == 0) {
                return;
            }
            if (cause == null) {
                unsent.addAndGet(left);
                return;
            }
        }
        failed(left, cause);
    }

    /**
     * Takes no more records and delivers what is queued, until {@code deadline} (a
     * {@link System#nanoTime} value); then counts what is left as unsent.
     */
    final void drain(long deadline) {
        draining = true;
        boolean interrupted = false;
        try {
            if (worker != null) {
                worker.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (worker.isAlive()) {
                    abandoned = true;
                    worker.interrupt();
                    worker.join(Duration.ofSeconds(1));
                }
                if (worker.isAlive()) {
                    // Stuck in a write that does not hear interrupts (a pipe nobody reads):
                    // what it holds is unsent, and whatever it counts later is not counted again.
                    synchronized (countLock) {
                        gaveUp = true;
                        unsent.addAndGet(holding);
                        holding = 0;
                    }
                }
            }
            awaitInFlight(deadline);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        abandoned = true;
        List<SinkRecord> left = new ArrayList<>();
        queue.drainTo(left);
        unsent.addAndGet(left.size());
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether closing gave up on the sink's thread, which may still be stuck in a write. */
    final boolean gaveUp() {
        synchronized (countLock) {
            return gaveUp;
        }
    }

    /** {@code records} of the batch went to a client that acknowledges them later (on the sink's thread). */
    final void handedOver(int records) {
        synchronized (countLock) {
            holding = Math.max(0, holding - records);
        }
    }

    /** Counts delivered records: from the sink's thread (out of its batch) or a client's callback. */
    final void delivered(int records, long byteCount) {
        if (Thread.currentThread() != worker) {
            // A client's callback, once per record: no lock, it holds nothing of the batch.
            delivered.addAndGet(records);
            bytes.addAndGet(byteCount);
            return;
        }
        synchronized (countLock) {
            if (gaveUp) {
                return;
            }
            holding = Math.max(0, holding - records);
            delivered.addAndGet(records);
            bytes.addAndGet(byteCount);
        }
    }

    /** Counts failed records (as unsent once closing has given up): like {@link #delivered}. */
    final void failed(int records, Throwable cause) {
        synchronized (countLock) {
            if (Thread.currentThread() == worker) {
                if (gaveUp) {
                    return;
                }
                holding = Math.max(0, holding - records);
            }
            if (abandoned) {
                unsent.addAndGet(records);
                return;
            }
            failed.addAndGet(records);
        }
        warnOnce("failed " + cause.getClass().getName(), "records failed: " + describe(cause)
                + "; each failure is counted");
    }

    /** Prints a warning about this sink, once for each key. */
    final void warnOnce(String key, String message) {
        if (warned.add(key)) {
            err.println("warning: " + name + ": " + message);
            err.flush();
        }
    }

    final SinkStats stats() {
        return new SinkStats(name, accepted.get(), dropped.get(), delivered.get(), failed.get(), unsent.get(),
                queue.size(), holding + inFlight(), capacity, bytes.get(), blockedNanos.get());
    }

    /** An exception's message on one line, with its type when the message says little. */
    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) {
            t = t.getCause();
        }
        String message = t.getMessage();
        String text = message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
        return text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }

    @Override
    public String toString() {
        return name;
    }
}
