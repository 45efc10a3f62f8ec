package io.bpfring.link;

import io.bpfring.bpf.AttachType;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.sys.BpfAttr;
import io.bpfring.Errno;
import io.bpfring.sys.PerfEvent;
import io.bpfring.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * What tracepoints, kprobes, uprobes and perf events share: a perf event opened with
 * perf_event_open(2), and a BPF link (BPF_LINK_CREATE with BPF_PERF_EVENT) from the program to
 * it. The link owns the event: closing it closes both.
 */
final class PerfLink {
    private PerfLink() {
    }

    /**
     * Opens the event {@code fill} describes, to link {@code program} to, for {@code pid} (-1:
     * every process) on {@code cpu} (-1: every CPU; a tracing event for every process takes CPU 0
     * and still fires on all).
     */
    static int open(BpfProgram program, Consumer<MemorySegment> fill, int pid, int cpu, String what,
                    IntFunction<String> advice) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(PerfEvent.Attr.LAYOUT);
            PerfEvent.Attr.SIZE.set(attr, (int) attr.byteSize());
            fill.accept(attr);
            int fd = Sys.perfEventOpenOrErrno(attr, pid, cpu);
            if (fd < 0) {
                throw Bpf.failure("perf_event_open(" + what + ") for " + Bpf.describe(program), -fd, errno -> {
                    String specific = advice == null ? null : advice.apply(errno);
                    return specific != null ? specific : perfAdvice(errno);
                });
            }
            return fd;
        }
    }

    /**
     * Links {@code program} to the open event {@code perfFd}; the link owns the event, which is
     * closed here when the link cannot be made.
     *
     * @param cookie what {@code bpf_get_attach_cookie()} returns in the program
     */
    static Link attach(BpfProgram program, int perfFd, long cookie, String what) {
        return new Link(program.name(), what, link(program, perfFd, cookie, what), perfFd);
    }

    /** {@link #attach}, returning the BPF link's fd. */
    static int link(BpfProgram program, int perfFd, long cookie, String what) {
        try {
            return Bpf.linkCreate(program, perfFd, AttachType.PERF_EVENT, 0,
                    attr -> BpfAttr.LinkCreate.PERF_EVENT_BPF_COOKIE.set(attr, cookie), what, PerfLink::linkAdvice);
        } catch (RuntimeException e) {
            Sys.close(perfFd);
            throw e;
        }
    }

    private static String perfAdvice(int errno) {
        return switch (errno) {
            case Errno.EACCES, Errno.EPERM -> "not permitted: run as root or with CAP_PERFMON"
                    + " (see /proc/sys/kernel/perf_event_paranoid)";
            case Errno.ESRCH -> "no such process: the pid to trace has exited";
            case Errno.EMFILE -> "too many open files: raise the limit (ulimit -n); every attachment holds an fd";
            default -> null;
        };
    }

    private static String linkAdvice(int errno) {
        return switch (errno) {
            case Errno.EINVAL -> "the kernel refused this program for this event: tracepoints run TRACEPOINT"
                    + " programs, kprobes and uprobes KPROBE programs, perf events PERF_EVENT programs; BPF links"
                    + " to perf events need Linux 5.15";
            case Errno.EEXIST, Errno.EBUSY -> "the perf event has a program already";
            default -> null;
        };
    }
}
