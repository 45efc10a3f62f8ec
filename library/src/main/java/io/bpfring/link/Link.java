package io.bpfring.link;

import io.bpfring.sys.Sys;

/**
 * A program attached to a kernel hook. Closing detaches it and releases what the attachment
 * holds (its BPF link, the perf events under it, the socket of a filter); the program and its
 * maps stay loaded. Closing twice does nothing.
 *
 * <p>A program already running on another CPU when the link closes may still finish that run:
 * the kernel waits for no run in progress, so a count can move by a few events after
 * {@link #close()} returns, and by none after that.
 */
public final class Link implements AutoCloseable {
    private final String program;
    private final String target;
    private final int fd;
    private final int[] held;
    private final Runnable detach;
    private boolean closed;

    /**
     * @param fd     the BPF link, -1 for an attachment that is not exactly one BPF link
     * @param detach run before any fd closes (a socket filter's detach), or null
     * @param held   fds closed after the link, in order (perf events, per-CPU links)
     */
    Link(String program, String target, int fd, Runnable detach, int... held) {
        this.program = program;
        this.target = target;
        this.fd = fd;
        this.detach = detach;
        this.held = held.clone();
    }

    Link(String program, String target, int fd, int... held) {
        this(program, target, fd, null, held);
    }

    /** The name of the attached program. */
    public String program() {
        return program;
    }

    /** What the program is attached to, e.g. {@code tracepoint sched/sched_process_exec}. */
    public String target() {
        return target;
    }

    /**
     * The BPF link's fd, for BPF_ITER_CREATE, pinning or BPF_OBJ_GET_INFO_BY_FD; -1 when the
     * attachment is not a single BPF link (a socket filter, a perf event on every CPU).
     *
     * @throws IllegalStateException once closed
     */
    public synchronized int fd() {
        if (closed) {
            throw new IllegalStateException(this + " is closed");
        }
        return fd;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (detach != null) {
                detach.run();
            }
        } finally {
            Sys.close(fd);
            for (int other : held) {
                Sys.close(other);
            }
        }
    }

    @Override
    public String toString() {
        return "program '" + program + "' on " + target;
    }
}
