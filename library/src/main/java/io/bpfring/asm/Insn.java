package io.bpfring.asm;

import io.bpfring.sys.BpfAttr;

import java.lang.foreign.MemorySegment;

/**
 * One 8-byte eBPF instruction ({@code struct bpf_insn}). A 64-bit immediate load takes two.
 * An instruction that loads a map reference carries the map; its fd is written at load time.
 */
public record Insn(int opcode, int dst, int src, int off, int imm, MapFd map) {
    /** Size of one encoded instruction. */
    public static final int SIZE = (int) BpfAttr.Insn.LAYOUT.byteSize();

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

    /** Writes the instruction as instruction {@code index} of {@code target}; a map reference becomes the map's fd. */
    public void encode(MemorySegment target, long index) {
        BpfAttr.Insn.CODE.set(target, index, (byte) opcode);
        BpfAttr.Insn.REGS.set(target, index, (byte) (src << BpfAttr.Insn.SRC_REG_SHIFT | dst << BpfAttr.Insn.DST_REG_SHIFT));
        BpfAttr.Insn.OFF.set(target, index, (short) off);
        BpfAttr.Insn.IMM.set(target, index, map != null ? map.fd() : imm);
    }
}
