package io.bpfring.internal;

import io.bpfring.ClosedException;
import io.bpfring.sys.Epoll;
import io.bpfring.sys.EventFd;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.LongToIntFunction;

/**
 * The poll loop every kernel reader shares: one epoll, wakeup through an eventfd, and a close
 * that any thread may call. A reader owns one (the ring buffer reader and the perf buffer
 * reader, each in its own package) and tells it how to consume its buffers and whether a record
 * is waiting that no wake-up will announce; the reader's public methods call the loop's.
 *
 * <p>The consuming methods hold a lock for their whole run, so {@link #close()} from another
 * thread waits until a running poll has delivered what is committed and returned.
 */
public final class PollLoop {
    /** The epoll data of the eventfd; a buffer's fd is watched with 0. */
    private static final long EVENTFD_DATA = -1;

    private final Epoll epoll;
    private final EventFd wakeups;
    private final ReentrantLock consuming = new ReentrantLock();
    private final Backoff backoff = new Backoff();
    private final AtomicBoolean wakeRequested = new AtomicBoolean();
    private final LongToIntFunction consumeAll;
    private final BooleanSupplier hasUnannouncedRecord;
    private final BooleanSupplier waitsFirst;
    private final Runnable releaseBuffers;
    private volatile boolean closed;
    private boolean released;
    /** Set by a handler that returned false; ends the running consume or poll. */
    private boolean stopRequested;

    /**
     * @param consumeAll           delivers at most the given number of records from every
     *                             buffer; stops early when {@link #stopRequested()}
     * @param hasUnannouncedRecord whether a record is committed that no wake-up may announce,
     *                             looked at just before the reader sleeps in epoll
     * @param waitsFirst           whether a poll waits on epoll before it consumes: when every
     *                             buffer's producer decides its own wake-ups, the wait paces the
     *                             consumer as the producer intends
     * @param releaseBuffers       releases the buffers' mappings and fds; called once, under the
     *                             consuming lock
     */
    public PollLoop(LongToIntFunction consumeAll, BooleanSupplier hasUnannouncedRecord, BooleanSupplier waitsFirst,
                    Runnable releaseBuffers) {
        this.consumeAll = consumeAll;
        this.hasUnannouncedRecord = hasUnannouncedRecord;
        this.waitsFirst = waitsFirst;
        this.releaseBuffers = releaseBuffers;
        Epoll epoll = new Epoll(16);
        EventFd wakeups = null;
        try {
            wakeups = new EventFd();
            epoll.add(wakeups.fd(), Epoll.EPOLLIN, EVENTFD_DATA);
        } catch (RuntimeException e) {
            if (wakeups != null) {
                wakeups.close();
            }
            epoll.close();
            throw e;
        }
        this.epoll = epoll;
        this.wakeups = wakeups;
    }

    /** Wakes a poll when {@code fd} is readable: a buffer of the reader. */
    public void watch(int fd) {
        epoll.add(fd, Epoll.EPOLLIN, 0);
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
        return run(null, false);
    }

    /**
     * Delivers the records that are committed, waiting on epoll up to {@code timeout} for some if
     * there are none. Returns early on {@link #wakeup()} or {@link #close()}, or when a handler
     * returns false; it always delivers what is committed first.
     *
     * @return the number of records delivered
     */
    public int poll(Duration timeout) {
        return run(timeout, false);
    }

    /**
     * Like {@link #poll(Duration)}, but looks at the buffers again and again instead of sleeping
     * on epoll, backing off from spinning to parking while they stay empty (see {@link Backoff}).
     */
    public int busyPoll(Duration timeout) {
        return run(timeout, true);
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
        wakeups.signal();
    }

    /** The epoll fd, readable when a buffer has data, for callers that run their own event loop. */
    public int epollFd() {
        checkOpen();
        return epoll.fd();
    }

    /**
     * Releases every mapping and fd. A poll running on another thread delivers what is
     * committed and returns first. Any thread may call it, a handler too, and more than once.
     */
    public void close() {
        closed = true;
        wakeups.signal();
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

    private int run(Duration timeout, boolean busy) {
        long deadline = deadline(timeout);
        enter();
        try {
            boolean waitFirst = !busy && waitsFirst.getAsBoolean();
            backoff.reset();
            while (true) {
                if (waitFirst) {
                    await(timeout == null ? -1 : millisUntil(deadline));
                }
                int delivered = consumeAll.applyAsInt(Long.MAX_VALUE);
                if (delivered > 0 || stopRequested || closed) {
                    return delivered;
                }
                if (wakeRequested.get() && wakeRequested.getAndSet(false)) {
                    wakeups.drain();
                    return 0;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return 0;
                }
                if (busy) {
                    backoff.idle(remaining);
                } else if (!waitFirst && !hasUnannouncedRecord.getAsBoolean()) {
                    await(timeout == null ? -1 : millisUntil(deadline));
                }
            }
        } finally {
            exit();
        }
    }

    /**
     * Sleeps in epoll, and resets the eventfd whenever it woke us. The flags say why it rang: a
     * wakeup() that a poll took from its flag before its signal landed leaves the eventfd
     * readable, and a level-triggered epoll would then return at once, poll after poll, until
     * the next wakeup().
     */
    private void await(int timeoutMillis) {
        int ready = epoll.await(timeoutMillis);
        for (int i = 0; i < ready; i++) {
            if (epoll.data(i) == EVENTFD_DATA) {
                wakeups.drain();
            }
        }
    }

    /** Milliseconds left until {@code deadline}, rounded up; 0 once it has passed. */
    private static int millisUntil(long deadline) {
        long remaining = deadline - System.nanoTime();
        return remaining <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (remaining + 999_999) / 1_000_000);
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
            consuming.unlock();
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
                epoll.close();
                wakeups.close();
            }
        }
    }
}
