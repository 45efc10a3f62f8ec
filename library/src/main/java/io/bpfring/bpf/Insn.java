package io.bpfring.bpf;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * One 8-byte eBPF instruction ({@code struct bpf_insn}). A 64-bit immediate load takes two.
 * An instruction that loads a map reference carries the map; its fd is written at load time.
 */
public record Insn(int opcode, int dst, int src, int off, int imm, BpfMap map) {
    /** Size of one encoded instruction. */
    public static final int SIZE = 8;

    public Insn {
        if (dst < 0 || dst > 10 || src < 0 || src > 15) {
            throw new IllegalArgumentException("register out of range: dst " + dst + ", src " + src);
        }
        if (off < Short.MIN_VALUE || off > Short.MAX_VALUE) {
            throw new IllegalArgumentException("offset " + off + " does not fit in 16 bits");
        }
    }

    Insn(int opcode, int dst, int src, int off, int imm) {
        this(opcode, dst, src, off, imm, null);
    }

    /** Writes the instruction at {@code at}; a map reference becomes the map's fd. */
    void encode(MemorySegment target, long at) {
        target.set(JAVA_BYTE, at, (byte) opcode);
        target.set(JAVA_BYTE, at + 1, (byte) ((src << 4) | dst));
        target.set(JAVA_SHORT, at + 2, (short) off);
        target.set(JAVA_INT, at + 4, map != null ? map.fd() : imm);
    }
}
