package io.bpfring.bpf;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A BPF program type ({@code enum bpf_prog_type}): one of the types known here, named as in
 * include/uapi/linux/bpf.h of Linux 6.18 without the {@code BPF_PROG_TYPE_} prefix, or any other
 * value a kernel reports (a newer kernel's type), which {@link #of} keeps as it is.
 */
public final class ProgramType {
    private static final Map<Integer, ProgramType> KNOWN = new HashMap<>();
    private static final List<ProgramType> ALL = new ArrayList<>();
    /** {@code BPF_F_SLEEPABLE}, a {@code prog_flags} bit of BPF_PROG_LOAD. */
    private static final int F_SLEEPABLE = 1 << 4;

    public static final ProgramType UNSPEC = known(0, "UNSPEC");
    public static final ProgramType SOCKET_FILTER = known(1, "SOCKET_FILTER");
    public static final ProgramType KPROBE = known(2, "KPROBE");
    public static final ProgramType SCHED_CLS = known(3, "SCHED_CLS");
    public static final ProgramType SCHED_ACT = known(4, "SCHED_ACT");
    /** Attached to a tracepoint; its context is the tracepoint's raw record (see {@link Tracepoint}). */
    public static final ProgramType TRACEPOINT = known(5, "TRACEPOINT");
    public static final ProgramType XDP = known(6, "XDP");
    public static final ProgramType PERF_EVENT = known(7, "PERF_EVENT");
    public static final ProgramType CGROUP_SKB = known(8, "CGROUP_SKB");
    public static final ProgramType CGROUP_SOCK = known(9, "CGROUP_SOCK");
    public static final ProgramType LWT_IN = known(10, "LWT_IN");
    public static final ProgramType LWT_OUT = known(11, "LWT_OUT");
    public static final ProgramType LWT_XMIT = known(12, "LWT_XMIT");
    public static final ProgramType SOCK_OPS = known(13, "SOCK_OPS");
    public static final ProgramType SK_SKB = known(14, "SK_SKB");
    public static final ProgramType CGROUP_DEVICE = known(15, "CGROUP_DEVICE");
    public static final ProgramType SK_MSG = known(16, "SK_MSG");
    /**
     * Attached to a raw tracepoint; its context is the tracepoint's u64 arguments. Also run on
     * demand, on a chosen CPU, with {@link BpfProgram#testRun(MemorySegment, int)}.
     */
    public static final ProgramType RAW_TRACEPOINT = known(17, "RAW_TRACEPOINT");
    public static final ProgramType CGROUP_SOCK_ADDR = known(18, "CGROUP_SOCK_ADDR");
    public static final ProgramType LWT_SEG6LOCAL = known(19, "LWT_SEG6LOCAL");
    public static final ProgramType LIRC_MODE2 = known(20, "LIRC_MODE2");
    public static final ProgramType SK_REUSEPORT = known(21, "SK_REUSEPORT");
    public static final ProgramType FLOW_DISSECTOR = known(22, "FLOW_DISSECTOR");
    public static final ProgramType CGROUP_SYSCTL = known(23, "CGROUP_SYSCTL");
    public static final ProgramType RAW_TRACEPOINT_WRITABLE = known(24, "RAW_TRACEPOINT_WRITABLE");
    public static final ProgramType CGROUP_SOCKOPT = known(25, "CGROUP_SOCKOPT");
    public static final ProgramType TRACING = known(26, "TRACING");
    public static final ProgramType STRUCT_OPS = known(27, "STRUCT_OPS");
    public static final ProgramType EXT = known(28, "EXT");
    public static final ProgramType LSM = known(29, "LSM");
    public static final ProgramType SK_LOOKUP = known(30, "SK_LOOKUP");
    /**
     * Run on demand with {@link BpfProgram#testRun}; its context is bytes the caller passes.
     * The kernel loads these only as sleepable programs (BPF_F_SLEEPABLE), which bpfring sets.
     */
    public static final ProgramType SYSCALL = known(31, "SYSCALL");
    public static final ProgramType NETFILTER = known(32, "NETFILTER");

    private final int id;
    private final String name;

    private ProgramType(int id, String name) {
        this.id = id;
        this.name = name;
    }

    private static ProgramType known(int id, String name) {
        ProgramType type = new ProgramType(id, name);
        KNOWN.put(id, type);
        ALL.add(type);
        return type;
    }

    /** The type with kernel id {@code id}: the known constant, or an unknown type that carries the id. */
    public static ProgramType of(int id) {
        ProgramType type = KNOWN.get(id);
        return type != null ? type : new ProgramType(id, null);
    }

    /** The types known here, by id. */
    public static List<ProgramType> known() {
        return Collections.unmodifiableList(ALL);
    }

    /** The {@code prog_flags} this type must be loaded with. */
    int loadFlags() {
        return equals(SYSCALL) ? F_SLEEPABLE : 0;
    }

    /** The kernel's value. */
    public int id() {
        return id;
    }

    /** Whether this is one of the types known here. */
    public boolean isKnown() {
        return name != null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ProgramType type && type.id == id;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(id);
    }

    /**
     * The name without its {@code BPF_PROG_TYPE_} prefix, such as {@code TRACEPOINT}; {@code unknown(40)}
     * for an unknown type.
     */
    @Override
    public String toString() {
        return name != null ? name : "unknown(" + id + ")";
    }
}
