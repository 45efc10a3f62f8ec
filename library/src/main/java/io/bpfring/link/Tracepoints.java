package io.bpfring.link;

import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.ProgramType;
import io.bpfring.bpf.Tracepoint;
import io.bpfring.Errno;
import io.bpfring.sys.PerfEvent;

/**
 * Tracepoints ({@code SEC("tp/...")}, {@code SEC("tracepoint/...")}): a
 * {@link ProgramType#TRACEPOINT} program on a perf event of type PERF_TYPE_TRACEPOINT whose
 * config is the tracepoint's id, linked with BPF_LINK_CREATE.
 */
public final class Tracepoints {
    private static final int PERF_TYPE_TRACEPOINT = 2;

    private Tracepoints() {
    }

    /** Attaches {@code program} to the tracepoint {@code category/name}, e.g. {@code syscalls/sys_enter_execve}. */
    public static Link attach(BpfProgram program, String category, String name) {
        return attach(program, Tracepoint.of(category, name), 0);
    }

    /**
     * Attaches {@code program} to {@code tracepoint}.
     *
     * @param cookie what {@code bpf_get_attach_cookie()} returns in the program (Linux 5.15+)
     */
    public static Link attach(BpfProgram program, Tracepoint tracepoint, long cookie) {
        String what = "tracepoint " + tracepoint.category() + "/" + tracepoint.name();
        Bpf.requireType(program, what, ProgramType.TRACEPOINT);
        int perfFd = PerfLink.open(program, attr -> {
            PerfEvent.Attr.TYPE.set(attr, PERF_TYPE_TRACEPOINT);
            PerfEvent.Attr.CONFIG.set(attr, (long) tracepoint.id());
        }, -1, 0, what, errno -> errno == Errno.ENOENT || errno == Errno.EINVAL
                ? "the kernel has no tracepoint with id " + tracepoint.id() + ": list them under events/ in tracefs"
                : null);
        return PerfLink.attach(program, perfFd, cookie, what);
    }
}
