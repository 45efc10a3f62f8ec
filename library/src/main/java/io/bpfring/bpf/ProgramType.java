package io.bpfring.bpf;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A BPF program type ({@code enum bpf_prog_type}): one of the types known here, named as in
 * include/uapi/linux/bpf.h of Linux 6.18 without the {@code BPF_PROG_TYPE_} prefix, or any other
 * value a kernel reports (a newer kernel's type), which {@link #of} keeps as it is.
 */
public final class ProgramType extends KernelEnum {
    private static final Registry<ProgramType> REGISTRY = new Registry<>(ProgramType::new);
    /** {@code BPF_F_SLEEPABLE}, a {@code prog_flags} bit of BPF_PROG_LOAD. */
    private static final int F_SLEEPABLE = 1 << 4;

    public static final ProgramType UNSPEC = REGISTRY.known(0, "UNSPEC");
    public static final ProgramType SOCKET_FILTER = REGISTRY.known(1, "SOCKET_FILTER");
    public static final ProgramType KPROBE = REGISTRY.known(2, "KPROBE");
    public static final ProgramType SCHED_CLS = REGISTRY.known(3, "SCHED_CLS");
    public static final ProgramType SCHED_ACT = REGISTRY.known(4, "SCHED_ACT");
    /** Attached to a tracepoint; its context is the tracepoint's raw record (see {@link Tracepoint}). */
    public static final ProgramType TRACEPOINT = REGISTRY.known(5, "TRACEPOINT");
    public static final ProgramType XDP = REGISTRY.known(6, "XDP");
    public static final ProgramType PERF_EVENT = REGISTRY.known(7, "PERF_EVENT");
    public static final ProgramType CGROUP_SKB = REGISTRY.known(8, "CGROUP_SKB");
    public static final ProgramType CGROUP_SOCK = REGISTRY.known(9, "CGROUP_SOCK");
    public static final ProgramType LWT_IN = REGISTRY.known(10, "LWT_IN");
    public static final ProgramType LWT_OUT = REGISTRY.known(11, "LWT_OUT");
    public static final ProgramType LWT_XMIT = REGISTRY.known(12, "LWT_XMIT");
    public static final ProgramType SOCK_OPS = REGISTRY.known(13, "SOCK_OPS");
    public static final ProgramType SK_SKB = REGISTRY.known(14, "SK_SKB");
    public static final ProgramType CGROUP_DEVICE = REGISTRY.known(15, "CGROUP_DEVICE");
    public static final ProgramType SK_MSG = REGISTRY.known(16, "SK_MSG");
    /**
     * Attached to a raw tracepoint; its context is the tracepoint's u64 arguments. Also run on
     * demand, on a chosen CPU, with {@link BpfProgram#testRun(MemorySegment, int)}.
     */
    public static final ProgramType RAW_TRACEPOINT = REGISTRY.known(17, "RAW_TRACEPOINT");
    public static final ProgramType CGROUP_SOCK_ADDR = REGISTRY.known(18, "CGROUP_SOCK_ADDR");
    public static final ProgramType LWT_SEG6LOCAL = REGISTRY.known(19, "LWT_SEG6LOCAL");
    public static final ProgramType LIRC_MODE2 = REGISTRY.known(20, "LIRC_MODE2");
    public static final ProgramType SK_REUSEPORT = REGISTRY.known(21, "SK_REUSEPORT");
    public static final ProgramType FLOW_DISSECTOR = REGISTRY.known(22, "FLOW_DISSECTOR");
    public static final ProgramType CGROUP_SYSCTL = REGISTRY.known(23, "CGROUP_SYSCTL");
    public static final ProgramType RAW_TRACEPOINT_WRITABLE = REGISTRY.known(24, "RAW_TRACEPOINT_WRITABLE");
    public static final ProgramType CGROUP_SOCKOPT = REGISTRY.known(25, "CGROUP_SOCKOPT");
    public static final ProgramType TRACING = REGISTRY.known(26, "TRACING");
    public static final ProgramType STRUCT_OPS = REGISTRY.known(27, "STRUCT_OPS");
    public static final ProgramType EXT = REGISTRY.known(28, "EXT");
    public static final ProgramType LSM = REGISTRY.known(29, "LSM");
    public static final ProgramType SK_LOOKUP = REGISTRY.known(30, "SK_LOOKUP");
    /**
     * Run on demand with {@link BpfProgram#testRun}; its context is bytes the caller passes.
     * The kernel loads these only as sleepable programs (BPF_F_SLEEPABLE), which bpfring sets.
     */
    public static final ProgramType SYSCALL = REGISTRY.known(31, "SYSCALL");
    public static final ProgramType NETFILTER = REGISTRY.known(32, "NETFILTER");

    private ProgramType(int id, String name) {
        super(id, name);
    }

    /** The type with kernel id {@code id}: the known constant, or an unknown type that carries the id. */
    public static ProgramType of(int id) {
        return REGISTRY.of(id);
    }

    /** The types known here, by id. */
    public static List<ProgramType> known() {
        return REGISTRY.all();
    }

    /** The {@code prog_flags} this type must be loaded with. */
    int loadFlags() {
        return equals(SYSCALL) ? F_SLEEPABLE : 0;
    }
}
