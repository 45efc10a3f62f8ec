package io.bpfring.bpf;

import io.bpfring.sys.Sys;

/** An attached program. Closing detaches it and releases the link and its perf event. */
public final class Link implements AutoCloseable {
    private final int linkFd;
    private final int perfFd;
    private final String target;
    private boolean closed;

    Link(int linkFd, int perfFd, String target) {
        this.linkFd = linkFd;
        this.perfFd = perfFd;
        this.target = target;
    }

    /** What the program is attached to, e.g. {@code sched/sched_process_exec}. */
    public String target() {
        return target;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Sys.close(linkFd);
            Sys.close(perfFd);
        }
    }
}
