package io.bpfring.ringbuf;

import io.bpfring.internal.Deadline;
import io.bpfring.internal.UseCount;

import io.bpfring.ClosedException;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.MapType;
import io.bpfring.ring.Reservation;
import io.bpfring.ring.RingProducer;
import io.bpfring.ring.Wakeup;
import io.bpfring.sys.Epoll;
import io.bpfring.sys.EventFd;
import io.bpfring.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Writes samples into a user ring buffer ({@code BPF_MAP_TYPE_USER_RINGBUF}) for a BPF program
 * that drains it with {@code bpf_user_ringbuf_drain}: bpfring's {@code user_ring_buffer__*}.
 * The same producer protocol as the kernel's ring buffer, with the roles swapped: this side maps
 * the producer page and the data writable, the consumer page read-only. When the program drains
 * samples the kernel wakes waiters on the map fd (EPOLLOUT), which {@link #reserve(int, Duration)}
 * waits on. A sample is written in place, as a {@link Reservation}, or copied ({@link #output}).
 *
 * <p>Thread-safe: any number of producer threads, waiting for room too. {@link #close()} from any
 * thread wakes every waiting one at once (it gets an {@link IllegalStateException}); the ring and
 * the fds are released when the last has left.
 */
public final class UserRingBufWriter implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final Epoll epoll;
    /** Signalled by close, never drained: wakes every writer waiting for room, now and later. */
    private final EventFd closing;
    private final RingProducer producer;
    /** The reservations' step, made once rather than per reservation. */
    private final Reservation.Finisher finisher = this::finish;
    /** Held by the writers waiting for room, who use the epoll fd; the last to leave after close releases. */
    private final UseCount waiters = new UseCount(this::release);

    public UserRingBufWriter(BpfMap userRing) {
        if (userRing.type() != MapType.USER_RINGBUF) {
            throw new IllegalArgumentException(userRing + " is not a user ring buffer (BPF_MAP_TYPE_USER_RINGBUF)");
        }
        long page = Sys.pageSize();
        long size = userRing.maxEntries();
        String what = "mmap(user ring '" + userRing.name() + "')";
        Epoll epoll = null;
        EventFd closing = null;
        try {
            MemorySegment consumerPage = Sys.map(arena, userRing.fd(), page, 0, Sys.PROT_READ, what);
            MemorySegment producerSide = Sys.map(arena, userRing.fd(), page + 2 * size, page,
                    Sys.PROT_READ | Sys.PROT_WRITE, what);
            producer = RingProducer.locking(consumerPage, producerSide, producerSide.asSlice(page, 2 * size), size,
                    (int) ProcessHandle.current().pid(), pid -> true);
            epoll = new Epoll(2);
            closing = new EventFd();
            epoll.add(userRing.fd(), Epoll.EPOLLOUT, 0);
            epoll.add(closing.fd(), Epoll.EPOLLIN, 0);
        } catch (RuntimeException e) {
            release(arena, epoll, closing);
            throw e;
        }
        this.epoll = epoll;
        this.closing = closing;
    }

    /**
     * Reserves a sample of {@code length} bytes.
     *
     * @return the sample, to write in place and then submit or discard (in a try-with-resources
     *         block, so that one left unsubmitted is discarded); null when the ring is full
     */
    public Reservation reserve(int length) {
        checkOpen();
        return reservation(producer.reserve(length), length);
    }

    /**
     * Reserves a sample, waiting up to {@code timeout} for the program to drain room (EPOLLOUT).
     *
     * @return the sample, or null when the time ran out
     * @throws IllegalStateException when the writer is closed, before or while waiting
     */
    public Reservation reserve(int length, Duration timeout) {
        long deadline = Deadline.after(timeout);
        Reservation sample = reserve(length);
        if (sample != null) {
            return sample;
        }
        if (!waiters.enter()) {
            throw closed();
        }
        try {
            boolean someRoom = false;
            for (long remaining; (remaining = deadline - System.nanoTime()) > 0; ) {
                if (someRoom) {
                    // EPOLLOUT says "some room", too little for this sample: let the program drain more.
                    LockSupport.parkNanos(Math.min(remaining, 50_000));
                }
                someRoom = epoll.awaitReady(Epoll.millis(remaining)) > 0;
                sample = reserve(length); // throws once closed
                if (sample != null) {
                    return sample;
                }
            }
            return null;
        } finally {
            waiters.leave();
        }
    }

    /** The sample reserved at {@code position}, or null for -1: no room. */
    private Reservation reservation(long position, int length) {
        return position == -1 ? null // positions are u64: one past 2^63 reads as negative
                : new Reservation(position, producer.data().asSlice(producer.payloadOffset(position), length), finisher);
    }

    /** Submits or discards the sample at {@code position}; nobody is woken, the program drains when it runs. */
    private void finish(long position, Wakeup wakeup, boolean discard) {
        checkOpen();
        if (discard) {
            producer.discard(position, wakeup);
        } else {
            producer.submit(position, wakeup);
        }
    }

    /**
     * Copies {@code bytes} into a new sample and submits it (the kernel's bpf_ringbuf_output).
     *
     * @return false when the ring is full
     */
    public boolean output(byte[] bytes) {
        checkOpen();
        long position = producer.reserve(bytes.length);
        if (position == -1) {
            return false;
        }
        MemorySegment.copy(bytes, 0, producer.data(), JAVA_BYTE, producer.payloadOffset(position), bytes.length);
        finish(position, Wakeup.ADAPTIVE, false);
        return true;
    }

    public int maxLength() {
        return producer.maxLength();
    }

    private void checkOpen() {
        if (waiters.isClosed()) {
            throw closed();
        }
    }

    private static ClosedException closed() {
        return new ClosedException("the writer is closed");
    }

    /** Closes the writer for every thread; see the class comment. Any thread may call it, more than once. */
    @Override
    public void close() {
        if (waiters.close()) {
            try {
                closing.signal();
            } finally {
                waiters.leave();
            }
        }
    }

    private void release() {
        release(arena, epoll, closing);
    }

    /** Releases what a writer holds, or what a constructor that failed half-way had made (null: not made). */
    private static void release(Arena arena, Epoll epoll, EventFd closing) {
        try {
            if (closing != null) {
                closing.close();
            }
            if (epoll != null) {
                epoll.close();
            }
        } finally {
            arena.close();
        }
    }
}
