package io.bpfring.ringbuf;

import io.bpfring.internal.Deadline;
import io.bpfring.internal.UseCount;

import io.bpfring.ClosedException;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.MapType;
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
 * waits on.
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
     * @return its position, to write at {@link #payloadOffset} and then submit or discard; -1 when full
     */
    public long reserve(int length) {
        checkOpen();
        return producer.reserve(length);
    }

    /**
     * Reserves a sample, waiting up to {@code timeout} for the program to drain room (EPOLLOUT).
     *
     * @return its position, or -1 when the time ran out
     * @throws IllegalStateException when the writer is closed, before or while waiting
     */
    public long reserve(int length, Duration timeout) {
        long deadline = Deadline.after(timeout);
        long position = reserve(length);
        if (position != -1) { // positions are u64: one past 2^63 reads as negative
            return position;
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
                someRoom = epoll.awaitReady((int) Math.min(Integer.MAX_VALUE, (remaining + 999_999) / 1_000_000)) > 0;
                position = reserve(length); // throws once closed
                if (position != -1) {
                    return position;
                }
            }
            return -1;
        } finally {
            waiters.leave();
        }
    }

    public MemorySegment data() {
        return producer.data();
    }

    public long payloadOffset(long position) {
        return producer.payloadOffset(position);
    }

    /** Makes the sample at {@code position} visible to the draining program. */
    public void submit(long position) {
        checkOpen();
        producer.submit(position, Wakeup.ADAPTIVE);
    }

    /** Gives the sample at {@code position} up: the program skips it. */
    public void discard(long position) {
        checkOpen();
        producer.discard(position, Wakeup.ADAPTIVE);
    }

    /** Copies {@code bytes} into a new sample and submits it; false when the ring is full. */
    public boolean offer(byte[] bytes) {
        long position = reserve(bytes.length);
        if (position == -1) {
            return false;
        }
        MemorySegment.copy(bytes, 0, data(), JAVA_BYTE, payloadOffset(position), bytes.length);
        submit(position);
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
