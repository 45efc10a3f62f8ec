/**
 * Kernel objects: maps ({@link io.bpfring.bpf.BpfMap}, of any {@link io.bpfring.bpf.MapType}),
 * programs ({@link io.bpfring.bpf.BpfProgram}, loaded from the assembler's instructions, the
 * verifier's log when refused, run with {@code BPF_PROG_TEST_RUN}), tracepoints and the links
 * that attach programs to them, pinning in bpffs, the in-program drop counter a ring buffer
 * needs ({@link io.bpfring.bpf.DropCounter}), and the facts sizes depend on ({@link
 * io.bpfring.bpf.Platform}, {@link io.bpfring.bpf.Cpus}).
 *
 * {@snippet class=io.bpfring.bpf.BpfExampleTest region=load}
 *
 * <p>It does not read rings (that is {@code ringbuf}, {@code perf} and {@code ring}), assemble
 * instructions ({@code asm}), or read BPF objects ({@code elf}, {@code btf}).
 */
package io.bpfring.bpf;
