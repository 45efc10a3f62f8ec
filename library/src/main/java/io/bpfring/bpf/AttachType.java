package io.bpfring.bpf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A BPF attach type ({@code enum bpf_attach_type}): what a program attaches to, as
 * BPF_PROG_LOAD's {@code expected_attach_type} and BPF_LINK_CREATE's {@code attach_type} take
 * it. One of the types known here, named as in include/uapi/linux/bpf.h of Linux 6.18 without
 * the {@code BPF_} prefix, or any other value a kernel reports, which {@link #of} keeps as it is.
 */
public final class AttachType {
    private static final Map<Integer, AttachType> KNOWN = new HashMap<>();
    private static final List<AttachType> ALL = new ArrayList<>();

    public static final AttachType CGROUP_INET_INGRESS = known(0, "CGROUP_INET_INGRESS");
    public static final AttachType CGROUP_INET_EGRESS = known(1, "CGROUP_INET_EGRESS");
    public static final AttachType CGROUP_INET_SOCK_CREATE = known(2, "CGROUP_INET_SOCK_CREATE");
    public static final AttachType CGROUP_SOCK_OPS = known(3, "CGROUP_SOCK_OPS");
    public static final AttachType SK_SKB_STREAM_PARSER = known(4, "SK_SKB_STREAM_PARSER");
    public static final AttachType SK_SKB_STREAM_VERDICT = known(5, "SK_SKB_STREAM_VERDICT");
    public static final AttachType CGROUP_DEVICE = known(6, "CGROUP_DEVICE");
    public static final AttachType SK_MSG_VERDICT = known(7, "SK_MSG_VERDICT");
    public static final AttachType CGROUP_INET4_BIND = known(8, "CGROUP_INET4_BIND");
    public static final AttachType CGROUP_INET6_BIND = known(9, "CGROUP_INET6_BIND");
    public static final AttachType CGROUP_INET4_CONNECT = known(10, "CGROUP_INET4_CONNECT");
    public static final AttachType CGROUP_INET6_CONNECT = known(11, "CGROUP_INET6_CONNECT");
    public static final AttachType CGROUP_INET4_POST_BIND = known(12, "CGROUP_INET4_POST_BIND");
    public static final AttachType CGROUP_INET6_POST_BIND = known(13, "CGROUP_INET6_POST_BIND");
    public static final AttachType CGROUP_UDP4_SENDMSG = known(14, "CGROUP_UDP4_SENDMSG");
    public static final AttachType CGROUP_UDP6_SENDMSG = known(15, "CGROUP_UDP6_SENDMSG");
    public static final AttachType LIRC_MODE2 = known(16, "LIRC_MODE2");
    public static final AttachType FLOW_DISSECTOR = known(17, "FLOW_DISSECTOR");
    public static final AttachType CGROUP_SYSCTL = known(18, "CGROUP_SYSCTL");
    public static final AttachType CGROUP_UDP4_RECVMSG = known(19, "CGROUP_UDP4_RECVMSG");
    public static final AttachType CGROUP_UDP6_RECVMSG = known(20, "CGROUP_UDP6_RECVMSG");
    public static final AttachType CGROUP_GETSOCKOPT = known(21, "CGROUP_GETSOCKOPT");
    public static final AttachType CGROUP_SETSOCKOPT = known(22, "CGROUP_SETSOCKOPT");
    public static final AttachType TRACE_RAW_TP = known(23, "TRACE_RAW_TP");
    public static final AttachType TRACE_FENTRY = known(24, "TRACE_FENTRY");
    public static final AttachType TRACE_FEXIT = known(25, "TRACE_FEXIT");
    public static final AttachType MODIFY_RETURN = known(26, "MODIFY_RETURN");
    public static final AttachType LSM_MAC = known(27, "LSM_MAC");
    public static final AttachType TRACE_ITER = known(28, "TRACE_ITER");
    public static final AttachType CGROUP_INET4_GETPEERNAME = known(29, "CGROUP_INET4_GETPEERNAME");
    public static final AttachType CGROUP_INET6_GETPEERNAME = known(30, "CGROUP_INET6_GETPEERNAME");
    public static final AttachType CGROUP_INET4_GETSOCKNAME = known(31, "CGROUP_INET4_GETSOCKNAME");
    public static final AttachType CGROUP_INET6_GETSOCKNAME = known(32, "CGROUP_INET6_GETSOCKNAME");
    public static final AttachType XDP_DEVMAP = known(33, "XDP_DEVMAP");
    public static final AttachType CGROUP_INET_SOCK_RELEASE = known(34, "CGROUP_INET_SOCK_RELEASE");
    public static final AttachType XDP_CPUMAP = known(35, "XDP_CPUMAP");
    public static final AttachType SK_LOOKUP = known(36, "SK_LOOKUP");
    public static final AttachType XDP = known(37, "XDP");
    public static final AttachType SK_SKB_VERDICT = known(38, "SK_SKB_VERDICT");
    public static final AttachType SK_REUSEPORT_SELECT = known(39, "SK_REUSEPORT_SELECT");
    public static final AttachType SK_REUSEPORT_SELECT_OR_MIGRATE = known(40, "SK_REUSEPORT_SELECT_OR_MIGRATE");
    public static final AttachType PERF_EVENT = known(41, "PERF_EVENT");
    public static final AttachType TRACE_KPROBE_MULTI = known(42, "TRACE_KPROBE_MULTI");
    public static final AttachType LSM_CGROUP = known(43, "LSM_CGROUP");
    public static final AttachType STRUCT_OPS = known(44, "STRUCT_OPS");
    public static final AttachType NETFILTER = known(45, "NETFILTER");
    public static final AttachType TCX_INGRESS = known(46, "TCX_INGRESS");
    public static final AttachType TCX_EGRESS = known(47, "TCX_EGRESS");
    public static final AttachType TRACE_UPROBE_MULTI = known(48, "TRACE_UPROBE_MULTI");
    public static final AttachType CGROUP_UNIX_CONNECT = known(49, "CGROUP_UNIX_CONNECT");
    public static final AttachType CGROUP_UNIX_SENDMSG = known(50, "CGROUP_UNIX_SENDMSG");
    public static final AttachType CGROUP_UNIX_RECVMSG = known(51, "CGROUP_UNIX_RECVMSG");
    public static final AttachType CGROUP_UNIX_GETPEERNAME = known(52, "CGROUP_UNIX_GETPEERNAME");
    public static final AttachType CGROUP_UNIX_GETSOCKNAME = known(53, "CGROUP_UNIX_GETSOCKNAME");
    public static final AttachType NETKIT_PRIMARY = known(54, "NETKIT_PRIMARY");
    public static final AttachType NETKIT_PEER = known(55, "NETKIT_PEER");
    public static final AttachType TRACE_KPROBE_SESSION = known(56, "TRACE_KPROBE_SESSION");
    public static final AttachType TRACE_UPROBE_SESSION = known(57, "TRACE_UPROBE_SESSION");

    private final int id;
    private final String name;

    private AttachType(int id, String name) {
        this.id = id;
        this.name = name;
    }

    private static AttachType known(int id, String name) {
        AttachType type = new AttachType(id, name);
        KNOWN.put(id, type);
        ALL.add(type);
        return type;
    }

    /** The type with kernel id {@code id}: the known constant, or an unknown type that carries the id. */
    public static AttachType of(int id) {
        AttachType type = KNOWN.get(id);
        return type != null ? type : new AttachType(id, null);
    }

    /** The types known here, by id. */
    public static List<AttachType> known() {
        return Collections.unmodifiableList(ALL);
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
        return other instanceof AttachType type && type.id == id;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(id);
    }

    /**
     * The name without its {@code BPF_} prefix, such as {@code PERF_EVENT}; {@code unknown(70)}
     * for an unknown type.
     */
    @Override
    public String toString() {
        return name != null ? name : "unknown(" + id + ")";
    }
}
