package io.bpfring.bpf;

import java.util.List;

/**
 * A BPF attach type ({@code enum bpf_attach_type}): what a program attaches to, as
 * BPF_PROG_LOAD's {@code expected_attach_type} and BPF_LINK_CREATE's {@code attach_type} take
 * it. One of the types known here, named as in include/uapi/linux/bpf.h of Linux 6.18 without
 * the {@code BPF_} prefix, or any other value a kernel reports, which {@link #of} keeps as it is.
 */
public final class AttachType extends KernelEnum {
    private static final Registry<AttachType> REGISTRY = new Registry<>(AttachType::new);

    public static final AttachType CGROUP_INET_INGRESS = REGISTRY.known(0, "CGROUP_INET_INGRESS");
    public static final AttachType CGROUP_INET_EGRESS = REGISTRY.known(1, "CGROUP_INET_EGRESS");
    public static final AttachType CGROUP_INET_SOCK_CREATE = REGISTRY.known(2, "CGROUP_INET_SOCK_CREATE");
    public static final AttachType CGROUP_SOCK_OPS = REGISTRY.known(3, "CGROUP_SOCK_OPS");
    public static final AttachType SK_SKB_STREAM_PARSER = REGISTRY.known(4, "SK_SKB_STREAM_PARSER");
    public static final AttachType SK_SKB_STREAM_VERDICT = REGISTRY.known(5, "SK_SKB_STREAM_VERDICT");
    public static final AttachType CGROUP_DEVICE = REGISTRY.known(6, "CGROUP_DEVICE");
    public static final AttachType SK_MSG_VERDICT = REGISTRY.known(7, "SK_MSG_VERDICT");
    public static final AttachType CGROUP_INET4_BIND = REGISTRY.known(8, "CGROUP_INET4_BIND");
    public static final AttachType CGROUP_INET6_BIND = REGISTRY.known(9, "CGROUP_INET6_BIND");
    public static final AttachType CGROUP_INET4_CONNECT = REGISTRY.known(10, "CGROUP_INET4_CONNECT");
    public static final AttachType CGROUP_INET6_CONNECT = REGISTRY.known(11, "CGROUP_INET6_CONNECT");
    public static final AttachType CGROUP_INET4_POST_BIND = REGISTRY.known(12, "CGROUP_INET4_POST_BIND");
    public static final AttachType CGROUP_INET6_POST_BIND = REGISTRY.known(13, "CGROUP_INET6_POST_BIND");
    public static final AttachType CGROUP_UDP4_SENDMSG = REGISTRY.known(14, "CGROUP_UDP4_SENDMSG");
    public static final AttachType CGROUP_UDP6_SENDMSG = REGISTRY.known(15, "CGROUP_UDP6_SENDMSG");
    public static final AttachType LIRC_MODE2 = REGISTRY.known(16, "LIRC_MODE2");
    public static final AttachType FLOW_DISSECTOR = REGISTRY.known(17, "FLOW_DISSECTOR");
    public static final AttachType CGROUP_SYSCTL = REGISTRY.known(18, "CGROUP_SYSCTL");
    public static final AttachType CGROUP_UDP4_RECVMSG = REGISTRY.known(19, "CGROUP_UDP4_RECVMSG");
    public static final AttachType CGROUP_UDP6_RECVMSG = REGISTRY.known(20, "CGROUP_UDP6_RECVMSG");
    public static final AttachType CGROUP_GETSOCKOPT = REGISTRY.known(21, "CGROUP_GETSOCKOPT");
    public static final AttachType CGROUP_SETSOCKOPT = REGISTRY.known(22, "CGROUP_SETSOCKOPT");
    public static final AttachType TRACE_RAW_TP = REGISTRY.known(23, "TRACE_RAW_TP");
    public static final AttachType TRACE_FENTRY = REGISTRY.known(24, "TRACE_FENTRY");
    public static final AttachType TRACE_FEXIT = REGISTRY.known(25, "TRACE_FEXIT");
    public static final AttachType MODIFY_RETURN = REGISTRY.known(26, "MODIFY_RETURN");
    public static final AttachType LSM_MAC = REGISTRY.known(27, "LSM_MAC");
    public static final AttachType TRACE_ITER = REGISTRY.known(28, "TRACE_ITER");
    public static final AttachType CGROUP_INET4_GETPEERNAME = REGISTRY.known(29, "CGROUP_INET4_GETPEERNAME");
    public static final AttachType CGROUP_INET6_GETPEERNAME = REGISTRY.known(30, "CGROUP_INET6_GETPEERNAME");
    public static final AttachType CGROUP_INET4_GETSOCKNAME = REGISTRY.known(31, "CGROUP_INET4_GETSOCKNAME");
    public static final AttachType CGROUP_INET6_GETSOCKNAME = REGISTRY.known(32, "CGROUP_INET6_GETSOCKNAME");
    public static final AttachType XDP_DEVMAP = REGISTRY.known(33, "XDP_DEVMAP");
    public static final AttachType CGROUP_INET_SOCK_RELEASE = REGISTRY.known(34, "CGROUP_INET_SOCK_RELEASE");
    public static final AttachType XDP_CPUMAP = REGISTRY.known(35, "XDP_CPUMAP");
    public static final AttachType SK_LOOKUP = REGISTRY.known(36, "SK_LOOKUP");
    public static final AttachType XDP = REGISTRY.known(37, "XDP");
    public static final AttachType SK_SKB_VERDICT = REGISTRY.known(38, "SK_SKB_VERDICT");
    public static final AttachType SK_REUSEPORT_SELECT = REGISTRY.known(39, "SK_REUSEPORT_SELECT");
    public static final AttachType SK_REUSEPORT_SELECT_OR_MIGRATE = REGISTRY.known(40, "SK_REUSEPORT_SELECT_OR_MIGRATE");
    public static final AttachType PERF_EVENT = REGISTRY.known(41, "PERF_EVENT");
    public static final AttachType TRACE_KPROBE_MULTI = REGISTRY.known(42, "TRACE_KPROBE_MULTI");
    public static final AttachType LSM_CGROUP = REGISTRY.known(43, "LSM_CGROUP");
    public static final AttachType STRUCT_OPS = REGISTRY.known(44, "STRUCT_OPS");
    public static final AttachType NETFILTER = REGISTRY.known(45, "NETFILTER");
    public static final AttachType TCX_INGRESS = REGISTRY.known(46, "TCX_INGRESS");
    public static final AttachType TCX_EGRESS = REGISTRY.known(47, "TCX_EGRESS");
    public static final AttachType TRACE_UPROBE_MULTI = REGISTRY.known(48, "TRACE_UPROBE_MULTI");
    public static final AttachType CGROUP_UNIX_CONNECT = REGISTRY.known(49, "CGROUP_UNIX_CONNECT");
    public static final AttachType CGROUP_UNIX_SENDMSG = REGISTRY.known(50, "CGROUP_UNIX_SENDMSG");
    public static final AttachType CGROUP_UNIX_RECVMSG = REGISTRY.known(51, "CGROUP_UNIX_RECVMSG");
    public static final AttachType CGROUP_UNIX_GETPEERNAME = REGISTRY.known(52, "CGROUP_UNIX_GETPEERNAME");
    public static final AttachType CGROUP_UNIX_GETSOCKNAME = REGISTRY.known(53, "CGROUP_UNIX_GETSOCKNAME");
    public static final AttachType NETKIT_PRIMARY = REGISTRY.known(54, "NETKIT_PRIMARY");
    public static final AttachType NETKIT_PEER = REGISTRY.known(55, "NETKIT_PEER");
    public static final AttachType TRACE_KPROBE_SESSION = REGISTRY.known(56, "TRACE_KPROBE_SESSION");
    public static final AttachType TRACE_UPROBE_SESSION = REGISTRY.known(57, "TRACE_UPROBE_SESSION");

    private AttachType(int id, String name) {
        super(id, name);
    }

    /** The type with kernel id {@code id}: the known constant, or an unknown type that carries the id. */
    public static AttachType of(int id) {
        return REGISTRY.of(id);
    }

    /** The types known here, by id. */
    public static List<AttachType> known() {
        return REGISTRY.all();
    }
}
