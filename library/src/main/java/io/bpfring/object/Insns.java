package io.bpfring.object;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Instructions as the loader keeps them: one {@code long} per {@code struct bpf_insn}, holding
 * its 8 little-endian bytes (opcode in the low byte, then the registers, the 16-bit offset and
 * the 32-bit immediate on top), so that copying, appending and patching a program is array work.
 */
final class Insns {
    static final int LD_IMM64 = 0x18;
    static final int CALL = 0x85;
    /** {@code src_reg} of a call to a BPF function, of an ld_imm64 of a map fd, a map value, a function. */
    static final int PSEUDO_CALL = 1;
    static final int PSEUDO_MAP_FD = 1;
    static final int PSEUDO_MAP_VALUE = 2;
    static final int PSEUDO_FUNC = 4;

    private static final ValueLayout.OfLong LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Insns() {
    }

    /** {@code count} instructions read from {@code code} starting at byte {@code offset}. */
    static long[] read(MemorySegment code, long offset, int count) {
        long[] insns = new long[count];
        for (int i = 0; i < count; i++) {
            insns[i] = code.get(LE, offset + 8L * i);
        }
        return insns;
    }

    static int code(long insn) {
        return (int) insn & 0xff;
    }

    static int src(long insn) {
        return (int) (insn >>> 12) & 0xf;
    }

    static int imm(long insn) {
        return (int) (insn >>> 32);
    }

    static long withImm(long insn, int imm) {
        return insn & 0xffffffffL | (long) imm << 32;
    }

    static long withSrc(long insn, int src) {
        return insn & ~0xf000L | (long) (src & 0xf) << 12;
    }

    static boolean isLdImm64(long insn) {
        return code(insn) == LD_IMM64;
    }

    static boolean isCall(long insn) {
        return code(insn) == CALL;
    }

    /** A call to a BPF function, whose immediate counts instructions from the next one. */
    static boolean isPseudoCall(long insn) {
        return isCall(insn) && src(insn) == PSEUDO_CALL;
    }

    /** The heap memory of {@code insns} in the kernel's layout ({@code struct bpf_insn[]}, native order). */
    static MemorySegment segment(long[] insns) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("BPF objects are loaded on little-endian machines only");
        }
        return MemorySegment.ofArray(insns);
    }
}
