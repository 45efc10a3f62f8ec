/**
 * Loads BPF ELF objects as libbpf does, in two steps. {@link io.bpfring.object.ObjectSpec#open}
 * reads an object into a description that makes no system call: programs (their section,
 * program type and attach point from a table like libbpf's {@code section_defs}), maps
 * (BTF-defined ones, and internal ones for global data and {@code .kconfig} externs),
 * global variables and the fixed-up BTF. It can be inspected and edited: set a
 * {@code const volatile} variable, resize a map, leave a program out.
 * {@link io.bpfring.object.ObjectSpec#load()} then links each program with the subprograms it
 * calls after CO-RE has adapted them to the running kernel's types (or a
 * {@link io.bpfring.btf.TargetBtf} given in {@link io.bpfring.object.LoadOptions}), loads the BTF,
 * creates (or reuses pinned) maps, writes and freezes global data, loads the programs with
 * their func_info and line_info, and gives back a {@link io.bpfring.object.BpfObject} that
 * closes everything at once. A failure names the program, section and instruction and leaves
 * nothing behind.
 *
 * {@snippet class=io.bpfring.object.ObjectExampleTest region=load}
 *
 * <p>Attaching is not done here: each {@link io.bpfring.object.ProgramSpec} says how it attaches
 * ({@link io.bpfring.object.ProgramSpec#attachKind()}) and to what
 * ({@link io.bpfring.object.ProgramSpec#attachTarget()}).
 */
package io.bpfring.object;
