package io.bpfring.link;

import io.bpfring.bpf.AttachType;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.ProgramType;
import io.bpfring.sys.BpfAttr;
import io.bpfring.Errno;
import io.bpfring.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/** The bpf(2) commands of attaching, and the checks and errors every attach kind shares. */
final class Bpf {
    // enum bpf_cmd
    static final int RAW_TRACEPOINT_OPEN = 17;
    static final int LINK_CREATE = 28;
    static final int ITER_CREATE = 33;

    private Bpf() {
    }

    /**
     * BPF_LINK_CREATE of {@code program} to {@code target} (an fd or an ifindex); {@code extra}
     * fills the attach type's own fields. Returns the link's fd.
     *
     * @param advice what to do about an errno, or null for the generic advice
     */
    static int linkCreate(BpfProgram program, int target, AttachType type, int flags, Consumer<MemorySegment> extra,
                          String what, IntFunction<String> advice) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfAttr.allocate(arena);
            BpfAttr.LinkCreate.PROG_FD.set(attr, program.fd());
            BpfAttr.LinkCreate.TARGET_FD.set(attr, target);
            BpfAttr.LinkCreate.ATTACH_TYPE.set(attr, type.id());
            BpfAttr.LinkCreate.FLAGS.set(attr, flags);
            if (extra != null) {
                extra.accept(attr);
            }
            int fd = Sys.bpfOrErrno(LINK_CREATE, attr);
            if (fd < 0) {
                throw failure("bpf(BPF_LINK_CREATE " + type + ") of " + describe(program) + " to " + what, -fd, advice);
            }
            return fd;
        }
    }

    /** The exception for {@code errno}, with the advice of the attach kind when it has one. */
    static AttachException failure(String call, int errno, IntFunction<String> advice) {
        String specific = advice == null ? null : advice.apply(errno);
        return new AttachException(call, errno, specific != null ? specific : Errno.advice(errno));
    }

    /** A program of another type is refused before the kernel is asked, with the types that fit. */
    static void requireType(BpfProgram program, String what, ProgramType... types) {
        if (!Arrays.asList(types).contains(program.type())) {
            throw new IllegalArgumentException(describe(program) + " cannot attach to " + what + ": it is a "
                    + program.type() + " program, and " + what + " runs "
                    + String.join(" or ", Arrays.stream(types).map(ProgramType::toString).toList()) + " programs");
        }
    }

    static String describe(BpfProgram program) {
        return "program '" + program.name() + "'";
    }
}
