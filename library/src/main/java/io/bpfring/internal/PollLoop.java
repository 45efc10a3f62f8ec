package io.bpfring.internal;

import io.bpfring.ClosedException;
import io.bpfring.RecordBuffer;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongToIntFunction;
import java.util.function.ToIntFunction;

/**
 * The poll loop every reader shares: waiting through a {@link Waiter} (epoll for kernel buffers,
 * a futex for a ring of Java producers), wakeup, and a close that any thread may call. A reader
 * owns one and tells it how to consume its buffers and whether a record is waiting that no
 * wake-up will announce; the reader's public methods call the loop's.
 *
 * <p>The consuming methods hold a lock for their whole run, so {@link #close()} from another
 * thread waits until a running poll has delivered what is committed and returned.
 */
public final class PollLoop {
    private final Waiter waiter;
    private final ReentrantLock consuming = new ReentrantLock();
    private final Backoff backoff = new Backoff();
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private final LongToIntFunction consumeAll;
    private final ToIntFunction<RecordBuffer> copyOne;
    private final BooleanSupplier hasUnannouncedRecord;
    private final BooleanSupplier waitsFirst;
    private final Runnable releaseBuffers;
    private volatile boolean closed;
    private boolean released;
    /** Set by a handler that returned false; ends the running consume or poll. */
    private boolean stopRequested;

    /**
     * @param waiter               how a poll sleeps and is woken; closed when the loop is
     *                             released, after the buffers
     * @param consumeAll           delivers at most the given number of records from every
     *                             buffer; stops early when {@link #stopRequested()}
     * @param copyOne              copies the next record of any buffer into the given buffer,
     *                             instead of delivering it; returns 1 if it did, 0 if none is
     *                             committed
     * @param hasUnannouncedRecord whether a record is committed that no wake-up may announce,
     *                             looked at just before the reader sleeps
     * @param waitsFirst           whether a poll waits before it consumes: when every buffer's
     *                             producer decides its own wake-ups, the wait paces the consumer
     *                             as the producer intends
     * @param releaseBuffers       releases the buffers' mappings and fds; called once, under the
     *                             consuming lock
     */
    public PollLoop(Waiter waiter, LongToIntFunction consumeAll, ToIntFunction<RecordBuffer> copyOne,
                    BooleanSupplier hasUnannouncedRecord, BooleanSupplier waitsFirst, Runnable releaseBuffers) {
        this.waiter = waiter;
        this.consumeAll = consumeAll;
        this.copyOne = copyOne;
        this.hasUnannouncedRecord = hasUnannouncedRecord;
        this.waitsFirst = waitsFirst;
        this.releaseBuffers = releaseBuffers;
    }

    /** Ends the running consume or poll after the record being delivered: a handler returned false. */
    public void stop() {
        stopRequested = true;
    }

    /** Whether a handler asked to stop during the running consume or poll. */
    public boolean stopRequested() {
        return stopRequested;
    }

    /** Waits without a limit for records; see {@link #poll(Duration)}. */
    public int poll() {
        return run(null, false, null);
    }

    /**
     * Delivers the records that are committed, waiting up to {@code timeout} for some if
     * there are none. Returns early on {@link #wakeup()} or {@link #close()}, or when a handler
     * returns false; it always delivers what is committed first.
     *
     * @return the number of records delivered
     */
    public int poll(Duration timeout) {
        return run(timeout, false, null);
    }

    /**
     * Like {@link #poll(Duration)}, but looks at the buffers again and again instead of sleeping
     * backing off from spinning to parking while they stay empty (see {@link Backoff}).
     */
    public int busyPoll(Duration timeout) {
        return run(timeout, true, null);
    }

    /**
     * Copies the next record into {@code into}, waiting as {@link #poll(Duration)} does.
     *
     * @return whether it did: false at the timeout, a wakeup or the close
     */
    public boolean readInto(RecordBuffer into, Duration timeout) {
        Objects.requireNonNull(into, "into");
        return run(timeout, false, into) > 0;
    }

    /** Delivers at most {@code max} committed records, without waiting. */
    public int consume(long max) {
        enter();
        try {
            return consumeAll.applyAsInt(max);
        } finally {
            exit();
        }
    }

    /**
     * Ends a running poll, or the next one, once it has delivered what is committed, as
     * {@link java.nio.channels.Selector#wakeup()} does. Any thread may call it.
     */
    public void wakeup() {
        wakeRequested.set(true);
        waiter.signal();
    }

    /**
     * Releases every mapping and fd. A poll running on another thread delivers what is
     * committed and returns first. Any thread may call it, a handler too, and more than once.
     */
    public void close() {
        closed = true;
        waiter.signal();
        if (consuming.isHeldByCurrentThread()) {
            return; // called from a handler: released when the consuming call returns
        }
        consuming.lock();
        try {
            release();
        } finally {
            consuming.unlock();
        }
    }

    /**
     * Closes without waiting for a running call, which releases when it returns (the caller keeps
     * the buffers' memory alive until then): for a reader whose memory outlives it, closed by
     * its owner from any thread, a handler's included.
     */
    public void closeWithoutWaiting() {
        closed = true;
        waiter.signal();
        if (!consuming.isHeldByCurrentThread() && consuming.tryLock()) {
            try {
                release();
            } finally {
                consuming.unlock();
            }
        }
    }

    /** Polls: delivers to the handlers, or copies one record into {@code into} when it is given. */
    private int run(Duration timeout, boolean busy, RecordBuffer into) {
        long deadline = deadline(timeout);
        enter();
        try {
            // A read takes one record at a time: waiting first would cost a wait per record.
            boolean waitFirst = !busy && into == null && waitsFirst.getAsBoolean();
            backoff.reset();
            while (true) {
                if (waitFirst) {
                    waiter.await(waiter.arm(), timeout == null ? -1 : Math.max(0, deadline - System.nanoTime()));
                }
                int delivered = into == null ? consumeAll.applyAsInt(Long.MAX_VALUE) : copyOne.applyAsInt(into);
                if (delivered > 0 || stopRequested) {
                    return delivered;
                }
                // Armed before the last looks: a close, wakeup or commit from here on ends the sleep.
                int armed = waiter.arm();
                if (closed) {
                    return 0;
                }
                if (wakeRequested.get() && wakeRequested.getAndSet(false)) {
                    waiter.clear();
                    return 0;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return 0;
                }
                if (busy) {
                    backoff.idle(remaining);
                } else if (!waitFirst && !hasUnannouncedRecord.getAsBoolean()) {
                    waiter.await(armed, timeout == null ? -1 : remaining);
                }
            }
        } finally {
            exit();
        }
    }

    private static long deadline(Duration timeout) {
        return timeout == null ? Long.MAX_VALUE : Deadline.after(timeout);
    }

    /** Starts a consuming call: one at a time, never from a handler, never once closed. */
    public void enter() {
        consuming.lock();
        if (consuming.getHoldCount() > 1) {
            consuming.unlock();
            throw new IllegalStateException("a handler may not poll or consume its own reader");
        }
        if (closed) {
            try {
                release(); // a close that found this call holding the lock left it to release
            } finally {
                consuming.unlock();
            }
            throw new ClosedException("the reader is closed");
        }
        stopRequested = false;
    }

    /** Ends a consuming call; the reader is released here if it was closed meanwhile. */
    public void exit() {
        try {
            if (closed) {
                release();
            }
        } finally {
            consuming.unlock();
        }
    }

    /** A {@link ClosedException} once the reader is closed. */
    public void checkOpen() {
        if (closed) {
            throw new ClosedException("the reader is closed");
        }
    }

    private void release() {
        if (!released) {
            released = true;
            try {
                releaseBuffers.run();
            } finally {
                waiter.close();
            }
        }
    }
}
