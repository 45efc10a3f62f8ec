package io.bpfring.link;

import io.bpfring.bpf.AttachType;
import io.bpfring.bpf.BpfProgram;

/**
 * Attaching a program from its section name alone, as an object loader does after the load:
 * {@code SEC("tp/syscalls/sys_enter_execve")}, {@code SEC("raw_tp/sched_switch")},
 * {@code SEC("uprobe/libc.so.6:getpid")} and the other families whose section names their
 * target attach here; the rest ({@code xdp}, {@code tc}, {@code cgroup_skb/...},
 * {@code socket}, {@code perf_event}, a bare {@code uprobe} ...) need something only the caller
 * knows, and the error says which class attaches them.
 */
public final class Attach {
    private Attach() {
    }

    /**
     * Attaches {@code program} where its section says.
     *
     * @param expected the expected attach type the program was loaded with (null for none), which
     *                 tp_btf, fentry, fexit, fmod_ret and lsm programs attach with
     * @param section  the section name, such as {@code uretprobe/libc.so.6:getpid}; libbpf's
     *                 {@code ?} prefix is ignored
     * @throws IllegalArgumentException when the section names no target, or its family attaches
     *                                  only by hand: the message says how
     * @throws AttachException          when the kernel refuses, or lacks the attach kind
     */
    public static Link auto(BpfProgram program, AttachType expected, String section) {
        Section s = Section.parse(section);
        String where = Bpf.describe(program) + " in section '" + section + "'";
        if (!s.attachesByItself()) {
            throw new IllegalArgumentException(where + " does not attach by itself: " + manual(s.base()));
        }
        String form = s.missingTarget();
        if (form != null) {
            throw new IllegalArgumentException(where + " names no target: write SEC(\"" + s.family() + "/" + form
                    + "\"), or attach it with " + s.handCall());
        }
        String target = s.target();
        return switch (s.base()) {
            case "tp", "tracepoint" -> {
                int split = target.indexOf('/');
                yield Tracepoints.attach(program, target.substring(0, split), target.substring(split + 1));
            }
            case "raw_tp", "raw_tracepoint" -> RawTracepoints.attach(program, target);
            case "iter" -> Iter.attach(program);
            case "kprobe" -> Kprobe.parse(target).attach(program);
            case "kretprobe" -> Kprobe.parse(target).returning().attach(program);
            case "ksyscall" -> Kprobe.syscall(target).attach(program);
            case "kretsyscall" -> Kprobe.syscall(target).returning().attach(program);
            case "uprobe" -> Uprobe.parse(target).attach(program);
            case "uretprobe" -> Uprobe.parse(target).returning().attach(program);
            default -> Tracing.attach(program, expected != null ? expected : switch (s.base()) {
                case "tp_btf" -> AttachType.TRACE_RAW_TP;
                case "fentry" -> AttachType.TRACE_FENTRY;
                case "fexit" -> AttachType.TRACE_FEXIT;
                case "fmod_ret" -> AttachType.MODIFY_RETURN;
                default -> AttachType.LSM_MAC;
            });
        };
    }

    /** Whether {@link #auto} can attach a program of {@code section}: it attaches by itself and names its target. */
    public static boolean isAuto(String section) {
        Section s = Section.parse(section);
        return s.attachesByItself() && s.missingTarget() == null;
    }

    /**
     * A section name taken apart: {@code uretprobe.s/libc.so.6:getpid} is family
     * {@code uretprobe.s}, base {@code uretprobe} (sleepable .s and writable .w variants attach as
     * their base does) and target {@code libc.so.6:getpid}.
     */
    private record Section(String family, String base, String target) {
        static Section parse(String section) {
            String name = section.startsWith("?") ? section.substring(1) : section;
            int slash = name.indexOf('/');
            String family = slash < 0 ? name : name.substring(0, slash);
            String base = family.endsWith(".s") || family.endsWith(".w")
                    ? family.substring(0, family.length() - 2) : family;
            return new Section(family, base, slash < 0 ? "" : name.substring(slash + 1));
        }

        boolean attachesByItself() {
            return switch (base) {
                case "tp", "tracepoint", "raw_tp", "raw_tracepoint", "tp_btf", "fentry", "fexit", "fmod_ret", "lsm",
                     "iter", "kprobe", "kretprobe", "ksyscall", "kretsyscall", "uprobe", "uretprobe" -> true;
                default -> false;
            };
        }

        /** The form of target the section lacks; null when it has one or needs none (BTF programs name it at load). */
        String missingTarget() {
            return switch (base) {
                case "tp", "tracepoint" -> {
                    int split = target.indexOf('/');
                    yield split <= 0 || split == target.length() - 1 ? "<category>/<name>" : null;
                }
                case "raw_tp", "raw_tracepoint" -> target.isEmpty() ? "<tracepoint>" : null;
                case "kprobe", "kretprobe" -> target.isEmpty() ? "<function>[+<offset>]" : null;
                case "ksyscall", "kretsyscall" -> target.isEmpty() ? "<system call>" : null;
                case "uprobe", "uretprobe" -> target.isEmpty() ? "<binary>:<function>[+<offset>]" : null;
                default -> null;
            };
        }

        /** How to attach it by hand. */
        String handCall() {
            return switch (base) {
                case "tp", "tracepoint" -> "Tracepoints.attach(program, category, name)";
                case "raw_tp", "raw_tracepoint" -> "RawTracepoints.attach(program, name)";
                case "kprobe", "kretprobe" -> "Kprobe.of(function).attach(program)";
                case "ksyscall", "kretsyscall" -> "Kprobe.syscall(name).attach(program)";
                default -> "Uprobe.of(binary, function).attach(program)";
            };
        }
    }

    /** How a program of a family that names no target attaches, or why it cannot. */
    private static String manual(String family) {
        if (family.startsWith("cgroup") || family.equals("sockops") || family.equals("lsm_cgroup")) {
            return "attach it to a cgroup v2 directory with Cgroups.attach(program, directory, attachType)";
        }
        return switch (family) {
            case "xdp", "xdp.frags" -> "attach it to an interface with Xdp.attach(program, interfaceName)";
            case "tc", "tcx", "classifier" -> "attach it to an interface with Tcx.ingress(program, interfaceName) or"
                    + " Tcx.egress (Linux 6.6+)";
            case "socket" -> "attach it to a socket with SocketFilter.attach(program, socketFd)";
            case "perf_event" -> "attach it to a perf event with PerfEvents.attach(program, event, sampling)";
            case "syscall" -> "syscall programs attach to nothing: run them with BpfProgram.testRun";
            case "usdt" -> "USDT probes are not supported; probe the function with Uprobe";
            case "kprobe.multi", "kretprobe.multi", "kprobe.session" -> "multi-kprobe links are not supported;"
                    + " attach one Kprobe per function";
            case "uprobe.multi", "uretprobe.multi", "uprobe.session" -> "multi-uprobe links are not supported;"
                    + " attach one Uprobe per function";
            case "freplace" -> "freplace programs (replacing a function of a loaded program) are not supported";
            case "struct_ops" -> "struct_ops programs attach through their struct_ops map, which is not supported";
            default -> "its family '" + family + "' has no attach step in bpfring";
        };
    }
}
