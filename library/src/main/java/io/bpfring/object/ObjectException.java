package io.bpfring.object;

import io.bpfring.ElfException;

/**
 * A BPF object cannot be opened or loaded: the file is not a BPF object this loader reads, it
 * asks for something the loader does not support, or the kernel refused part of it. The message
 * names the program, its section and the instruction where there is one; the cause, if any, is
 * the underlying failure (a {@link io.bpfring.VerifierException} carries the verifier's log).
 */
public class ObjectException extends ElfException {
    public ObjectException(String message) {
        super(message);
    }

    public ObjectException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "program 'x' (section 'y') instruction n: ", the start of a message about one instruction. */
    static String at(String program, String section, int insn) {
        return "program '" + program + "' (section '" + section + "') instruction " + insn + ": ";
    }
}
