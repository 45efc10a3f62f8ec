/**
 * The eBPF assembler: {@link io.bpfring.asm.Asm} writes typed instructions ({@link
 * io.bpfring.asm.Insn}) on registers ({@link io.bpfring.asm.Reg}), with named labels for jumps
 * and bpf-to-bpf calls, helper calls by name ({@link io.bpfring.asm.Helper}), and references to
 * maps ({@link io.bpfring.asm.MapFd}) whose fds go into the instructions when they are encoded.
 *
 * {@snippet class=io.bpfring.asm.AsmExampleTest region=assemble}
 *
 * <p>It does not load programs (that is {@link io.bpfring.bpf.BpfProgram}), make system calls,
 * or read compiled objects; it knows a map only as something with an fd.
 */
package io.bpfring.asm;
