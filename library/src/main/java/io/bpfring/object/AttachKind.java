package io.bpfring.object;

/**
 * How a program's section says it attaches, as libbpf's section table has it: the attach step
 * reads this and {@link ProgramSpec#attachTarget()} to attach the program without being told
 * more. {@link #MANUAL} programs attach to something only the caller knows (an interface, a
 * cgroup, a socket, a perf event) or are only run with BPF_PROG_TEST_RUN.
 */
public enum AttachKind {
    /** A tracepoint: target {@code category/name}. */
    TRACEPOINT,
    /** A raw tracepoint: target {@code name}. */
    RAW_TRACEPOINT,
    /** A BTF-typed attach point (tp_btf, fentry, fexit, fmod_ret, freplace): target the function or tracepoint. */
    TRACING,
    /** An LSM hook: target the hook name. */
    LSM,
    /** A BPF iterator: target the iterator name, e.g. {@code task}. */
    ITER,
    /** A kprobe: target {@code function[+offset]}. */
    KPROBE,
    KRETPROBE,
    /** A kprobe on a system call's entry: target the syscall name; the attach step finds the arch-specific symbol. */
    KSYSCALL,
    KRETSYSCALL,
    /** A uprobe: target {@code path:function[+offset]}. */
    UPROBE,
    URETPROBE,
    /** A multi-kprobe link: target a function name pattern. */
    KPROBE_MULTI,
    KRETPROBE_MULTI,
    KPROBE_SESSION,
    /** A multi-uprobe link: target {@code path:pattern}. */
    UPROBE_MULTI,
    URETPROBE_MULTI,
    UPROBE_SESSION,
    /** A USDT probe: target {@code path:provider:name}. */
    USDT,
    /** Attached through a struct_ops map. */
    STRUCT_OPS,
    /** No attach of its own: the caller attaches it (xdp, tc, cgroup, socket, perf_event) or test-runs it. */
    MANUAL
}
