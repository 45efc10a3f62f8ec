package io.bpfring.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * An epoll instance with its own event buffer. Used by one thread at a time, but for
 * {@link #awaitReady}, which any number of threads may call at once.
 */
public final class Epoll implements AutoCloseable {
    public static final int EPOLLIN = 0x001;
    public static final int EPOLLOUT = 0x004;

    private static final int EPOLL_CTL_ADD = 1;

    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final int capacity;
    private final MemorySegment events;
    private boolean closed;

    /** @param capacity how many ready events one {@link #await} can report */
    public Epoll(int capacity) {
        this.capacity = capacity;
        this.events = arena.allocate(EpollEvent.LAYOUT, capacity);
        try {
            this.fd = Sys.epollCreate();
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    public int fd() {
        return fd;
    }

    /** Watches {@code target} for {@code interest} (EPOLLIN, EPOLLOUT), reporting {@code data} when ready (see {@link #data}). */
    public void add(int target, int interest, long data) {
        try (Arena local = Arena.ofConfined()) {
            MemorySegment event = local.allocate(EpollEvent.LAYOUT);
            EpollEvent.EVENTS.set(event, 0L, interest);
            EpollEvent.DATA.set(event, 0L, data);
            Sys.epollCtl(fd, EPOLL_CTL_ADD, target, event, "epoll_ctl(EPOLL_CTL_ADD, fd " + target + ")");
        }
    }

    /**
     * Waits until a watched fd is ready or the timeout passes.
     *
     * @param timeoutMillis -1 waits without a limit
     * @return the number of ready events, 0 on timeout or when a signal interrupted the wait
     */
    public int await(int timeoutMillis) {
        return Sys.epollWait(fd, events, capacity, timeoutMillis);
    }

    /**
     * A timeout in nanoseconds as epoll takes it: whole milliseconds rounded up (a wait never
     * ends before its time), at most {@code Integer.MAX_VALUE}; a negative one, -1: no limit.
     */
    public static int millis(long timeoutNanos) {
        return timeoutNanos < 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, Math.ceilDiv(timeoutNanos, 1_000_000L));
    }

    /**
     * Waits like {@link #await}, but only counts the ready fds, in an event buffer of its own: safe
     * from any number of threads at once.
     */
    public int awaitReady(int timeoutMillis) {
        try (Arena local = Arena.ofConfined()) {
            return Sys.epollWait(fd, local.allocate(EpollEvent.LAYOUT, capacity), capacity, timeoutMillis);
        }
    }

    /** The data of ready event {@code i} of the last {@link #await}. */
    public long data(int i) {
        return (long) EpollEvent.DATA.get(events, (long) i);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Sys.close(fd);
            arena.close();
        }
    }
}
