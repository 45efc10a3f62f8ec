/**
 * Attaching loaded programs to the kernel's hooks, one class per attach kind, every one of
 * them returning a {@link io.bpfring.link.Link} that detaches on close.
 *
 * {@snippet class=io.bpfring.link.LinkExampleTest region=attach}
 *
 * <p>Where the kernel has it, an attachment is a BPF link (BPF_LINK_CREATE): the kernel ties
 * the program to the hook for as long as the link's fd is open, so a process that dies leaves
 * nothing attached. Tracepoints, kprobes, uprobes and perf events first open a perf event and
 * link the program to it; the link owns the event. Raw tracepoints use BPF_RAW_TRACEPOINT_OPEN,
 * which returns a link too. Socket filters have no BPF link: their {@code Link} detaches with
 * SO_DETACH_BPF.
 *
 * <p>{@link io.bpfring.link.Attach#auto} attaches a program from what its section name says,
 * as an object loader needs; programs whose section names no target are attached by the caller
 * with the class of their kind.
 *
 * <p>Every failure names the program, the target and what to do: a
 * {@link io.bpfring.link.AttachException} for the kernel's refusals and for attach kinds the
 * kernel lacks, an {@link java.lang.IllegalArgumentException} for a program of the wrong type or
 * a target that does not exist.
 */
package io.bpfring.link;
