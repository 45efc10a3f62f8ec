package io.bpfring.bpf;

import io.bpfring.Errno;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What to do about a program the kernel refused with no verifier log, where the errno's usual
 * advice would mislead: EPERM to a process that holds every capability BPF asks for means the
 * kernel refuses that kind of program, not this caller.
 */
final class LoadRefusal {
    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_PERFMON = 38;
    private static final int CAP_BPF = 39;

    private LoadRefusal() {
    }

    /** The advice for {@code errno}, or null when the errno's own advice fits. */
    static String advice(ProgramType type, AttachType attach, int errno) {
        String kind = trampolineKind(type, attach);
        if (errno != Errno.EPERM || kind == null || !privileged()) {
            return null;
        }
        return "this kernel refuses " + kind + " programs even to a process with CAP_BPF, CAP_PERFMON and"
                + " CAP_SYS_ADMIN: it does not let BPF trampolines (fentry, fexit, fmod_ret, lsm) attach to its"
                + " functions, as a locked-down or sandboxed kernel may not; trace with tp_btf, a raw tracepoint or"
                + " a tracepoint instead";
    }

    /** fentry, fexit, fmod_ret or lsm: the program kinds a BPF trampoline runs; null for others. */
    private static String trampolineKind(ProgramType type, AttachType attach) {
        if (type.equals(ProgramType.LSM) && attach.equals(AttachType.LSM_MAC)) {
            return "lsm";
        }
        if (!type.equals(ProgramType.TRACING)) {
            return null;
        }
        return attach.equals(AttachType.TRACE_FENTRY) ? "fentry" : attach.equals(AttachType.TRACE_FEXIT) ? "fexit"
                : attach.equals(AttachType.MODIFY_RETURN) ? "fmod_ret" : null;
    }

    /** Whether this process holds CAP_SYS_ADMIN, or CAP_BPF and CAP_PERFMON (/proc/self/status). */
    private static boolean privileged() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & 1L << CAP_SYS_ADMIN) != 0
                            || (caps & 1L << CAP_BPF) != 0 && (caps & 1L << CAP_PERFMON) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown: the errno's own advice stands
        }
        return false;
    }
}
