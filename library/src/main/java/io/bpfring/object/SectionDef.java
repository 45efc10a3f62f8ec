package io.bpfring.object;

import io.bpfring.bpf.AttachType;
import io.bpfring.bpf.ProgramType;

import java.util.List;
import java.util.Optional;

import static io.bpfring.object.AttachKind.ITER;
import static io.bpfring.object.AttachKind.KPROBE;
import static io.bpfring.object.AttachKind.KPROBE_MULTI;
import static io.bpfring.object.AttachKind.KPROBE_SESSION;
import static io.bpfring.object.AttachKind.KRETPROBE;
import static io.bpfring.object.AttachKind.KRETPROBE_MULTI;
import static io.bpfring.object.AttachKind.KRETSYSCALL;
import static io.bpfring.object.AttachKind.KSYSCALL;
import static io.bpfring.object.AttachKind.LSM;
import static io.bpfring.object.AttachKind.MANUAL;
import static io.bpfring.object.AttachKind.RAW_TRACEPOINT;
import static io.bpfring.object.AttachKind.TRACEPOINT;
import static io.bpfring.object.AttachKind.TRACING;
import static io.bpfring.object.AttachKind.UPROBE;
import static io.bpfring.object.AttachKind.UPROBE_MULTI;
import static io.bpfring.object.AttachKind.UPROBE_SESSION;
import static io.bpfring.object.AttachKind.URETPROBE;
import static io.bpfring.object.AttachKind.URETPROBE_MULTI;
import static io.bpfring.object.AttachKind.USDT;

/**
 * One entry of the section table that turns a {@code SEC("...")} name into a program type, as
 * libbpf's {@code section_defs[]} does, with its matching rules: a pattern ending in {@code /}
 * needs something after it ({@code kprobe/} matches {@code kprobe/do_exit}), one ending in
 * {@code +} matches the bare name or the name followed by {@code /...} ({@code tp+} matches
 * {@code tp} and {@code tp/sched/sched_switch}, not {@code tp_btf/x}), and any other matches
 * exactly. The first matching entry wins, so more specific entries come first.
 *
 * @param pattern            the section name pattern, as in libbpf
 * @param type               the program type it loads as
 * @param expectedAttachType BPF_PROG_LOAD's {@code expected_attach_type}, null for none
 * @param attachKind         how the program attaches
 * @param sleepable          loads with {@code BPF_F_SLEEPABLE}
 * @param xdpFrags           loads with {@code BPF_F_XDP_HAS_FRAGS}
 * @param attachBtf          needs the kernel BTF id of its target ({@code attach_btf_id}) to load
 */
public record SectionDef(String pattern, ProgramType type, AttachType expectedAttachType, AttachKind attachKind,
                         boolean sleepable, boolean xdpFrags, boolean attachBtf) {
    /** {@code BPF_F_SLEEPABLE} and {@code BPF_F_XDP_HAS_FRAGS}, {@code prog_flags} of BPF_PROG_LOAD. */
    static final int F_SLEEPABLE = 1 << 4;
    static final int F_XDP_HAS_FRAGS = 1 << 5;

    /** A section name matched against the table: the entry and what follows its prefix (the attach target). */
    public record Match(SectionDef def, String target) {
    }

    private static final int NONE = 0;
    private static final int SLEEPABLE = 1;
    private static final int FRAGS = 2;
    private static final int BTF = 4;

    // libbpf's order, for the section families Linux 6.18 has; numbers are include/uapi/linux/bpf.h's.
    private static final List<SectionDef> TABLE = List.of(
            def("socket", ProgramType.SOCKET_FILTER, null, MANUAL, NONE),
            def("sk_reuseport/migrate", ProgramType.SK_REUSEPORT, AttachType.SK_REUSEPORT_SELECT_OR_MIGRATE, MANUAL,
                    NONE),
            def("sk_reuseport", ProgramType.SK_REUSEPORT, AttachType.SK_REUSEPORT_SELECT, MANUAL, NONE),
            def("kprobe+", ProgramType.KPROBE, null, KPROBE, NONE),
            def("uprobe+", ProgramType.KPROBE, null, UPROBE, NONE),
            def("uprobe.s+", ProgramType.KPROBE, null, UPROBE, SLEEPABLE),
            def("kretprobe+", ProgramType.KPROBE, null, KRETPROBE, NONE),
            def("uretprobe+", ProgramType.KPROBE, null, URETPROBE, NONE),
            def("uretprobe.s+", ProgramType.KPROBE, null, URETPROBE, SLEEPABLE),
            def("kprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_KPROBE_MULTI, KPROBE_MULTI, NONE),
            def("kretprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_KPROBE_MULTI, KRETPROBE_MULTI, NONE),
            def("kprobe.session+", ProgramType.KPROBE, AttachType.TRACE_KPROBE_SESSION, KPROBE_SESSION, NONE),
            def("uprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, UPROBE_MULTI, NONE),
            def("uretprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, URETPROBE_MULTI, NONE),
            def("uprobe.session+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_SESSION, UPROBE_SESSION, NONE),
            def("uprobe.multi.s+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, UPROBE_MULTI, SLEEPABLE),
            def("uretprobe.multi.s+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, URETPROBE_MULTI, SLEEPABLE),
            def("uprobe.session.s+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_SESSION, UPROBE_SESSION, SLEEPABLE),
            def("ksyscall+", ProgramType.KPROBE, null, KSYSCALL, NONE),
            def("kretsyscall+", ProgramType.KPROBE, null, KRETSYSCALL, NONE),
            // libbpf attaches USDTs with a uprobe_multi link where the kernel has one (6.6+).
            def("usdt+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, USDT, NONE),
            def("usdt.s+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, USDT, SLEEPABLE),
            def("tc/ingress", ProgramType.SCHED_CLS, AttachType.TCX_INGRESS, MANUAL, NONE),
            def("tc/egress", ProgramType.SCHED_CLS, AttachType.TCX_EGRESS, MANUAL, NONE),
            def("tcx/ingress", ProgramType.SCHED_CLS, AttachType.TCX_INGRESS, MANUAL, NONE),
            def("tcx/egress", ProgramType.SCHED_CLS, AttachType.TCX_EGRESS, MANUAL, NONE),
            def("tc", ProgramType.SCHED_CLS, null, MANUAL, NONE),
            def("classifier", ProgramType.SCHED_CLS, null, MANUAL, NONE),
            def("action", ProgramType.SCHED_ACT, null, MANUAL, NONE),
            def("netkit/primary", ProgramType.SCHED_CLS, AttachType.NETKIT_PRIMARY, MANUAL, NONE),
            def("netkit/peer", ProgramType.SCHED_CLS, AttachType.NETKIT_PEER, MANUAL, NONE),
            def("tracepoint+", ProgramType.TRACEPOINT, null, TRACEPOINT, NONE),
            def("tp+", ProgramType.TRACEPOINT, null, TRACEPOINT, NONE),
            def("tracepoint.s+", ProgramType.TRACEPOINT, null, TRACEPOINT, SLEEPABLE),
            def("tp.s+", ProgramType.TRACEPOINT, null, TRACEPOINT, SLEEPABLE),
            def("raw_tracepoint+", ProgramType.RAW_TRACEPOINT, null, RAW_TRACEPOINT, NONE),
            def("raw_tp+", ProgramType.RAW_TRACEPOINT, null, RAW_TRACEPOINT, NONE),
            def("raw_tracepoint.s+", ProgramType.RAW_TRACEPOINT, null, RAW_TRACEPOINT, SLEEPABLE),
            def("raw_tp.s+", ProgramType.RAW_TRACEPOINT, null, RAW_TRACEPOINT, SLEEPABLE),
            def("raw_tracepoint.w+", ProgramType.RAW_TRACEPOINT_WRITABLE, null, RAW_TRACEPOINT, NONE),
            def("raw_tp.w+", ProgramType.RAW_TRACEPOINT_WRITABLE, null, RAW_TRACEPOINT, NONE),
            def("tp_btf+", ProgramType.TRACING, AttachType.TRACE_RAW_TP, TRACING, BTF),
            def("tp_btf.s+", ProgramType.TRACING, AttachType.TRACE_RAW_TP, TRACING, BTF | SLEEPABLE),
            def("fentry+", ProgramType.TRACING, AttachType.TRACE_FENTRY, TRACING, BTF),
            def("fmod_ret+", ProgramType.TRACING, AttachType.MODIFY_RETURN, TRACING, BTF),
            def("fexit+", ProgramType.TRACING, AttachType.TRACE_FEXIT, TRACING, BTF),
            def("fentry.s+", ProgramType.TRACING, AttachType.TRACE_FENTRY, TRACING, BTF | SLEEPABLE),
            def("fmod_ret.s+", ProgramType.TRACING, AttachType.MODIFY_RETURN, TRACING, BTF | SLEEPABLE),
            def("fexit.s+", ProgramType.TRACING, AttachType.TRACE_FEXIT, TRACING, BTF | SLEEPABLE),
            def("freplace+", ProgramType.EXT, null, TRACING, BTF),
            def("lsm+", ProgramType.LSM, AttachType.LSM_MAC, LSM, BTF),
            def("lsm.s+", ProgramType.LSM, AttachType.LSM_MAC, LSM, BTF | SLEEPABLE),
            def("lsm_cgroup+", ProgramType.LSM, AttachType.LSM_CGROUP, MANUAL, BTF),
            def("iter+", ProgramType.TRACING, AttachType.TRACE_ITER, ITER, BTF),
            def("iter.s+", ProgramType.TRACING, AttachType.TRACE_ITER, ITER, BTF | SLEEPABLE),
            def("syscall", ProgramType.SYSCALL, null, MANUAL, SLEEPABLE),
            def("xdp.frags/devmap", ProgramType.XDP, AttachType.XDP_DEVMAP, MANUAL, FRAGS),
            def("xdp/devmap", ProgramType.XDP, AttachType.XDP_DEVMAP, MANUAL, NONE),
            def("xdp.frags/cpumap", ProgramType.XDP, AttachType.XDP_CPUMAP, MANUAL, FRAGS),
            def("xdp/cpumap", ProgramType.XDP, AttachType.XDP_CPUMAP, MANUAL, NONE),
            def("xdp.frags", ProgramType.XDP, AttachType.XDP, MANUAL, FRAGS),
            def("xdp", ProgramType.XDP, AttachType.XDP, MANUAL, NONE),
            def("perf_event", ProgramType.PERF_EVENT, null, MANUAL, NONE),
            def("lwt_in", ProgramType.LWT_IN, null, MANUAL, NONE),
            def("lwt_out", ProgramType.LWT_OUT, null, MANUAL, NONE),
            def("lwt_xmit", ProgramType.LWT_XMIT, null, MANUAL, NONE),
            def("lwt_seg6local", ProgramType.LWT_SEG6LOCAL, null, MANUAL, NONE),
            def("sockops", ProgramType.SOCK_OPS, AttachType.CGROUP_SOCK_OPS, MANUAL, NONE),
            def("sk_skb/stream_parser", ProgramType.SK_SKB, AttachType.SK_SKB_STREAM_PARSER, MANUAL, NONE),
            def("sk_skb/stream_verdict", ProgramType.SK_SKB, AttachType.SK_SKB_STREAM_VERDICT, MANUAL, NONE),
            def("sk_skb/verdict", ProgramType.SK_SKB, AttachType.SK_SKB_VERDICT, MANUAL, NONE),
            def("sk_skb", ProgramType.SK_SKB, null, MANUAL, NONE),
            def("sk_msg", ProgramType.SK_MSG, AttachType.SK_MSG_VERDICT, MANUAL, NONE),
            def("lirc_mode2", ProgramType.LIRC_MODE2, AttachType.LIRC_MODE2, MANUAL, NONE),
            def("flow_dissector", ProgramType.FLOW_DISSECTOR, AttachType.FLOW_DISSECTOR, MANUAL, NONE),
            def("cgroup_skb/ingress", ProgramType.CGROUP_SKB, AttachType.CGROUP_INET_INGRESS, MANUAL, NONE),
            def("cgroup_skb/egress", ProgramType.CGROUP_SKB, AttachType.CGROUP_INET_EGRESS, MANUAL, NONE),
            def("cgroup/skb", ProgramType.CGROUP_SKB, null, MANUAL, NONE),
            def("cgroup/sock_create", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE, MANUAL, NONE),
            def("cgroup/sock_release", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_RELEASE, MANUAL, NONE),
            def("cgroup/sock", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE, MANUAL, NONE),
            def("cgroup/post_bind4", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET4_POST_BIND, MANUAL, NONE),
            def("cgroup/post_bind6", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET6_POST_BIND, MANUAL, NONE),
            def("cgroup/bind4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_BIND, MANUAL, NONE),
            def("cgroup/bind6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_BIND, MANUAL, NONE),
            def("cgroup/connect4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_CONNECT, MANUAL, NONE),
            def("cgroup/connect6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_CONNECT, MANUAL, NONE),
            def("cgroup/connect_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_CONNECT, MANUAL, NONE),
            def("cgroup/sendmsg4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP4_SENDMSG, MANUAL, NONE),
            def("cgroup/sendmsg6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP6_SENDMSG, MANUAL, NONE),
            def("cgroup/sendmsg_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_SENDMSG, MANUAL, NONE),
            def("cgroup/recvmsg4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP4_RECVMSG, MANUAL, NONE),
            def("cgroup/recvmsg6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP6_RECVMSG, MANUAL, NONE),
            def("cgroup/recvmsg_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_RECVMSG, MANUAL, NONE),
            def("cgroup/getpeername4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_GETPEERNAME, MANUAL, NONE),
            def("cgroup/getpeername6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_GETPEERNAME, MANUAL, NONE),
            def("cgroup/getpeername_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_GETPEERNAME, MANUAL,
                    NONE),
            def("cgroup/getsockname4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_GETSOCKNAME, MANUAL, NONE),
            def("cgroup/getsockname6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_GETSOCKNAME, MANUAL, NONE),
            def("cgroup/getsockname_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_GETSOCKNAME, MANUAL,
                    NONE),
            def("cgroup/sysctl", ProgramType.CGROUP_SYSCTL, AttachType.CGROUP_SYSCTL, MANUAL, NONE),
            def("cgroup/getsockopt", ProgramType.CGROUP_SOCKOPT, AttachType.CGROUP_GETSOCKOPT, MANUAL, NONE),
            def("cgroup/setsockopt", ProgramType.CGROUP_SOCKOPT, AttachType.CGROUP_SETSOCKOPT, MANUAL, NONE),
            def("cgroup/dev", ProgramType.CGROUP_DEVICE, AttachType.CGROUP_DEVICE, MANUAL, NONE),
            def("struct_ops+", ProgramType.STRUCT_OPS, null, AttachKind.STRUCT_OPS, NONE),
            def("struct_ops.s+", ProgramType.STRUCT_OPS, null, AttachKind.STRUCT_OPS, SLEEPABLE),
            def("sk_lookup", ProgramType.SK_LOOKUP, AttachType.SK_LOOKUP, MANUAL, NONE),
            def("netfilter", ProgramType.NETFILTER, AttachType.NETFILTER, MANUAL, NONE));

    private static SectionDef def(String pattern, ProgramType type, AttachType attach, AttachKind kind, int flags) {
        return new SectionDef(pattern, type, attach, kind, (flags & SLEEPABLE) != 0, (flags & FRAGS) != 0,
                (flags & BTF) != 0);
    }

    /** The whole table, in matching order. */
    public static List<SectionDef> all() {
        return TABLE;
    }

    /** The first entry that matches {@code section} (without libbpf's {@code ?} prefix), with its target. */
    public static Optional<Match> match(String section) {
        for (SectionDef def : TABLE) {
            String target = def.targetOf(section);
            if (target != null) {
                return Optional.of(new Match(def, target));
            }
        }
        return Optional.empty();
    }

    /** What follows the prefix when {@code section} matches, "" for a bare match; null when it does not match. */
    private String targetOf(String section) {
        if (pattern.endsWith("/")) {
            return section.startsWith(pattern) && section.length() > pattern.length()
                    ? section.substring(pattern.length()) : null;
        }
        if (pattern.endsWith("+")) {
            String prefix = pattern.substring(0, pattern.length() - 1);
            if (section.equals(prefix)) {
                return "";
            }
            return section.startsWith(prefix + "/") ? section.substring(prefix.length() + 1) : null;
        }
        return section.equals(pattern) ? "" : null;
    }

    /** The {@code prog_flags} this entry loads with. */
    public int loadFlags() {
        return (sleepable ? F_SLEEPABLE : 0) | (xdpFrags ? F_XDP_HAS_FRAGS : 0);
    }
}
