package io.bpfring;

/**
 * What bpfring throws when the kernel, a ring or an input says no: one family, so that
 * {@code catch (BpfException e)} handles every such failure, and a {@code switch} over it names
 * each kind.
 *
 * <ul>
 *   <li>{@link SyscallException}: a system call failed; it names the call and the errno and says
 *       what to do. {@link VerifierException}, one of them, carries the verifier's log.</li>
 *   <li>{@link NotSupportedException}: the running kernel lacks a feature; it names the first
 *       kernel that has it.</li>
 *   <li>{@link CorruptRingException}: a ring's contents break its protocol.</li>
 *   <li>{@link ElfException}, {@link BtfException}: an object file, or BTF, cannot be read; an
 *       object cannot be loaded ({@link io.bpfring.object.ObjectException}, with the kernel's
 *       refusal as its cause where there is one).</li>
 * </ul>
 *
 * <p>Not in the family, as in the JDK: a bad argument is an {@link IllegalArgumentException},
 * thrown before anything is asked of the kernel; an object used after it was closed throws
 * {@link ClosedException}, an {@link IllegalStateException} as
 * {@link java.nio.channels.ClosedSelectorException} is. Both are the caller's mistake, not a
 * failure to handle, and a class extends one class only: to be an {@code IllegalStateException}
 * that callers of the JDK's closed objects already expect, it cannot be one of these.
 *
 * <p>All of them live in this package: a sealed class whose subclasses are in other packages
 * works only in a named module, and bpfring also runs on the class path. Three are open to
 * subclasses elsewhere: {@link SyscallException}, for failures of one kind of call that say more;
 * {@link ElfException}, for what reads an object further (its programs, maps, relocations, DWARF); and
 * {@link BtfException}, for what works from types further (CO-RE relocation, decoders).
 */
public abstract sealed class BpfException extends RuntimeException
        permits SyscallException, NotSupportedException, CorruptRingException, ElfException, BtfException {
    BpfException(String message) {
        super(message);
    }

    BpfException(String message, Throwable cause) {
        super(message, cause);
    }
}
