package io.bpfring.link;

import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.ProgramType;
import io.bpfring.sys.BpfAttr;
import io.bpfring.Errno;
import io.bpfring.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Raw tracepoints ({@code SEC("raw_tp/...")}, {@code SEC("raw_tracepoint/...")}): a
 * {@link ProgramType#RAW_TRACEPOINT} program gets the tracepoint's arguments as they are, with
 * no perf event between. The kernel (6.18 too) refuses these programs in BPF_LINK_CREATE, so they
 * attach with BPF_RAW_TRACEPOINT_OPEN, which returns a BPF link all the same.
 */
public final class RawTracepoints {
    private RawTracepoints() {
    }

    /** Attaches {@code program} to the raw tracepoint {@code name}, e.g. {@code sched_switch} (no category). */
    public static Link attach(BpfProgram program, String name) {
        return attach(program, name, 0);
    }

    /**
     * Attaches {@code program} to the raw tracepoint {@code name}.
     *
     * @param cookie what {@code bpf_get_attach_cookie()} returns in the program; other than 0 it
     *               needs Linux 6.10
     */
    public static Link attach(BpfProgram program, String name, long cookie) {
        String what = "raw tracepoint " + name;
        Bpf.requireType(program, what, ProgramType.RAW_TRACEPOINT, ProgramType.RAW_TRACEPOINT_WRITABLE);
        if (name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException(what + ": a raw tracepoint is named without its category, e.g."
                    + " sched_switch, not sched/sched_switch");
        }
        return open(program, name, cookie, what);
    }

    private static Link open(BpfProgram program, String name, long cookie, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfAttr.allocate(arena);
            BpfAttr.RawTracepoint.NAME.set(attr, arena.allocateFrom(name).address());
            BpfAttr.RawTracepoint.PROG_FD.set(attr, program.fd());
            BpfAttr.RawTracepoint.COOKIE.set(attr, cookie);
            int fd = Sys.bpfOrErrno(Bpf.RAW_TRACEPOINT_OPEN, attr);
            if (fd < 0) {
                throw Bpf.failure("bpf(BPF_RAW_TRACEPOINT_OPEN) of " + Bpf.describe(program) + " to " + what, -fd,
                        errno -> advice(errno, name, cookie));
            }
            return new Link(program.name(), what, fd);
        }
    }

    private static String advice(int errno, String name, long cookie) {
        return switch (errno) {
            case Errno.ENOENT -> "the kernel has no raw tracepoint '" + name + "': use the tracepoint's name"
                    + " without its category (events/<category>/<name> in tracefs)";
            case Errno.EINVAL -> cookie != 0 ? "the kernel refused the cookie: raw tracepoint cookies need Linux 6.10"
                    : "the kernel refused the program for this tracepoint (does it read past the tracepoint's"
                    + " arguments?)";
            case Errno.EACCES -> "the program writes past what this tracepoint lets it write";
            default -> null;
        };
    }
}
