package io.bpfring.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** A non-blocking eventfd: one thread signals, another wakes from epoll and drains it. */
public final class EventFd implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment one = arena.allocate(JAVA_LONG);
    private final MemorySegment drained = arena.allocate(JAVA_LONG);
    private final int fd;
    private volatile boolean closed;

    public EventFd() {
        one.set(JAVA_LONG, 0, 1L);
        try {
            fd = Sys.eventfd(Sys.O_NONBLOCK | Sys.O_CLOEXEC);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public int fd() {
        return fd;
    }

    /** Makes the fd readable. Safe from any thread; a closed eventfd ignores it. */
    public synchronized void signal() {
        if (!closed) {
            // EAGAIN means the counter is saturated: it is readable already.
            Sys.write(fd, one);
        }
    }

    /** Resets the counter; returns whether it had been signalled. */
    public synchronized boolean drain() {
        return !closed && Sys.read(fd, drained) > 0;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Sys.close(fd);
            arena.close();
        }
    }
}
