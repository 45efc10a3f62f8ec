/**
 * What every part of bpfring shares: the error family and the reader type.
 *
 * <p>Every failure that the kernel, a ring or an input file reports is a {@link
 * io.bpfring.BpfException}, sealed, so one {@code catch} takes them all and a {@code switch}
 * names each kind: a failed system call ({@link io.bpfring.SyscallException}, with the errno's
 * name from {@link io.bpfring.Errno} and what to do), a program the verifier refused ({@link
 * io.bpfring.VerifierException}, with its log), a feature the kernel lacks ({@link
 * io.bpfring.NotSupportedException}, with the first kernel that has it), a corrupt ring, and an
 * object file or BTF that cannot be read. Using an object after it was closed is a {@link
 * io.bpfring.ClosedException}, an {@link java.lang.IllegalStateException}. {@link
 * io.bpfring.EventReader} is what the ring buffer and perf buffer readers both are.
 *
 * {@snippet class=io.bpfring.ErrorsExampleTest region=errors}
 *
 * <p>It is not where anything is done: no class here calls the kernel or reads memory.
 */
package io.bpfring;
