package io.bpfring.link;

import io.bpfring.bpf.AttachType;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.ProgramType;
import io.bpfring.btf.BtfKind;
import io.bpfring.sys.BpfAttr;
import io.bpfring.Errno;

import java.util.Map;

/**
 * Programs on BTF-typed kernel hooks ({@code SEC("tp_btf/...")}, {@code fentry/}, {@code fexit/},
 * {@code fmod_ret/}, {@code lsm/}): {@link ProgramType#TRACING} and {@link ProgramType#LSM}
 * programs name their hook when they load, by the id of a kernel BTF type (see
 * {@link #targetBtfId}), so attaching them takes nothing but BPF_LINK_CREATE with the attach
 * type they were loaded with.
 *
 * <p>tp_btf programs run on a tracepoint and read its arguments as typed kernel pointers. The
 * others run from a BPF trampoline in the kernel function (fentry on entry, fexit on return,
 * fmod_ret may change its return value) or LSM hook; a kernel that refuses trampolines refuses
 * these programs already at load, with EPERM (the load's error says so).
 */
public final class Tracing {
    /** The attach types attached here, by what libbpf calls them in section names. */
    private static final Map<AttachType, String> KINDS = Map.of(
            AttachType.TRACE_RAW_TP, "tp_btf",
            AttachType.TRACE_FENTRY, "fentry",
            AttachType.TRACE_FEXIT, "fexit",
            AttachType.MODIFY_RETURN, "fmod_ret",
            AttachType.LSM_MAC, "lsm");

    private Tracing() {
    }

    /** Attaches {@code program}, loaded with expected attach type {@code type} and the BTF id of its target. */
    public static Link attach(BpfProgram program, AttachType type) {
        return attach(program, type, 0);
    }

    /**
     * Attaches {@code program}.
     *
     * @param type   the attach type it was loaded with: TRACE_RAW_TP (tp_btf), TRACE_FENTRY,
     *               TRACE_FEXIT, MODIFY_RETURN or LSM_MAC
     * @param cookie what {@code bpf_get_attach_cookie()} returns in the program (Linux 6.10 for
     *               tp_btf, 6.6 for fentry and fexit)
     */
    public static Link attach(BpfProgram program, AttachType type, long cookie) {
        String kind = KINDS.get(type);
        if (kind == null) {
            throw new IllegalArgumentException(Bpf.describe(program) + ": " + type + " is not attached here"
                    + (type.equals(AttachType.TRACE_ITER) ? "; iterators attach with Iter.attach"
                    : type.equals(AttachType.LSM_CGROUP) ? "; cgroup LSM programs attach with Cgroups.attach"
                    : "; Tracing attaches TRACE_RAW_TP, TRACE_FENTRY, TRACE_FEXIT, MODIFY_RETURN and LSM_MAC"));
        }
        String what = kind + " " + targetName(program, type);
        Bpf.requireType(program, what, type.equals(AttachType.LSM_MAC) ? ProgramType.LSM : ProgramType.TRACING);
        int fd = Bpf.linkCreate(program, 0, type, 0, attr -> BpfAttr.LinkCreate.TRACING_COOKIE.set(attr, cookie),
                what, errno -> switch (errno) {
                    case Errno.EINVAL -> "the kernel refused the attach: " + type + " must be the attach type the"
                            + " program was loaded with" + (type.equals(AttachType.LSM_MAC)
                            ? ", and lsm programs need \"bpf\" among the kernel's LSMs (lsm= on its command line)"
                            : "");
                    case Errno.EPERM -> "this kernel refuses " + kind + " attachments even to a privileged process";
                    case Errno.EOPNOTSUPP, Errno.ENOTSUPP -> "this kernel cannot run " + kind
                            + " programs (no BPF trampolines: they need the JIT and architecture support)";
                    default -> null;
                });
        return new Link(program.name(), what, fd);
    }

    /**
     * The id of the kernel (vmlinux) BTF type a program of attach type {@code type} names at load
     * ({@code attach_btf_id}) to attach to {@code target}: {@code btf_trace_<target>} for tp_btf,
     * {@code bpf_lsm_<target>} for lsm, {@code bpf_iter_<target>} for iterators, the function
     * {@code target} for fentry, fexit and fmod_ret.
     *
     * @throws IllegalArgumentException when the kernel has no such type
     */
    public static int targetBtfId(AttachType type, String target) {
        String name;
        BtfKind kind = BtfKind.FUNC;
        if (type.equals(AttachType.TRACE_RAW_TP)) {
            name = "btf_trace_" + target;
            kind = BtfKind.TYPEDEF;
        } else if (type.equals(AttachType.LSM_MAC) || type.equals(AttachType.LSM_CGROUP)) {
            name = "bpf_lsm_" + target;
        } else if (type.equals(AttachType.TRACE_ITER)) {
            name = "bpf_iter_" + target;
        } else if (type.equals(AttachType.TRACE_FENTRY) || type.equals(AttachType.TRACE_FEXIT)
                || type.equals(AttachType.MODIFY_RETURN)) {
            name = target;
        } else {
            throw new IllegalArgumentException(type + " programs name no kernel BTF type at load");
        }
        if (target.isEmpty() || target.contains(":")) {
            throw new IllegalArgumentException("'" + target + "' is no " + type + " target"
                    + (target.contains(":") ? " (targets in kernel modules are not supported)" : ""));
        }
        BtfKind wanted = kind;
        return KernelBtf.vmlinux().find(name, kind).orElseThrow(() -> new IllegalArgumentException(
                "the kernel's BTF has no " + wanted + " '" + name + "': " + (type.equals(AttachType.TRACE_RAW_TP)
                ? "there is no tracepoint " + target + " (tp_btf names it without its category)"
                : "there is no such " + (type.equals(AttachType.TRACE_ITER) ? "iterator"
                : type.equals(AttachType.LSM_MAC) || type.equals(AttachType.LSM_CGROUP) ? "LSM hook"
                : "kernel function (or it is inlined)"))));
    }

    /** What the loaded program attaches to: {@code sched_process_exec} for {@code btf_trace_sched_process_exec}. */
    private static String targetName(BpfProgram program, AttachType type) {
        String name = KernelBtf.attachTarget(program);
        String prefix = type.equals(AttachType.TRACE_RAW_TP) ? "btf_trace_" : type.equals(AttachType.LSM_MAC)
                ? "bpf_lsm_" : "";
        return name.startsWith(prefix) ? name.substring(prefix.length()) : name;
    }
}
