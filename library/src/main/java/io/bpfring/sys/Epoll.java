package io.bpfring.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * An epoll instance with its own event buffer. Used by one thread at a time, but for
 * {@link #awaitReady}, which any number of threads may call at once.
 */
public final class Epoll implements AutoCloseable {
    public static final int EPOLLIN = 0x001;
    public static final int EPOLLOUT = 0x004;

    private static final int EPOLL_CTL_ADD = 1;
    // struct epoll_event is packed on x86_64 (12 bytes) and naturally aligned elsewhere (16).
    private static final boolean PACKED = System.getProperty("os.arch").matches("amd64|x86_64");
    private static final long EVENT_SIZE = PACKED ? 12 : 16;
    private static final long DATA_OFFSET = PACKED ? 4 : 8;

    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final int capacity;
    private final MemorySegment events;
    private boolean closed;

    /** @param capacity how many ready events one {@link #await} can report */
    public Epoll(int capacity) {
        this.capacity = capacity;
        this.events = arena.allocate(EVENT_SIZE * capacity, 8);
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

    /** Watches {@code target} for {@code interest} (EPOLLIN, EPOLLOUT), reporting {@code data} when ready. */
    public void add(int target, int interest, long data) {
        try (Arena local = Arena.ofConfined()) {
            MemorySegment event = local.allocate(EVENT_SIZE, 8);
            event.set(JAVA_INT_UNALIGNED, 0, interest);
            event.set(JAVA_LONG_UNALIGNED, DATA_OFFSET, data);
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
     * Waits like {@link #await}, but only counts the ready fds, in an event buffer of its own: safe
     * from any number of threads at once.
     */
    public int awaitReady(int timeoutMillis) {
        try (Arena local = Arena.ofConfined()) {
            return Sys.epollWait(fd, local.allocate(EVENT_SIZE * capacity, 8), capacity, timeoutMillis);
        }
    }

    /** The data of ready event {@code i} of the last {@link #await}. */
    public long data(int i) {
        return events.get(JAVA_LONG_UNALIGNED, i * EVENT_SIZE + DATA_OFFSET);
    }

    /** The ready flags of event {@code i} of the last {@link #await}. */
    public int readyFlags(int i) {
        return events.get(JAVA_INT_UNALIGNED, i * EVENT_SIZE);
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
