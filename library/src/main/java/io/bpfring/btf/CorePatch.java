package io.bpfring.btf;

/**
 * Rewrites one instruction for a CO-RE result, as libbpf's {@code bpf_core_patch_insn}: the
 * immediate of an ALU/ALU64 instruction, the offset (and when the field changed size, the
 * size) of a load or store, both halves of a 64-bit immediate load; or poisons it.
 *
 * <p>An instruction is a {@code long} holding the 8 bytes of {@code struct bpf_insn} read
 * little-endian: code in bits 0-7, dst_reg 8-11, src_reg 12-15, off 16-31, imm 32-63.
 */
final class CorePatch {
    /** The helper number a poisoned instruction calls: "bad relo". */
    static final int POISON_HELPER = 0xbad2310;
    /** {@code call 0xbad2310}: BPF_JMP | BPF_CALL, no registers, no offset. */
    static final long POISON = word(0x85, 0, 0, 0, POISON_HELPER);

    private static final int LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, ALU64 = 0x07;
    private static final int LD_IMM64 = 0x18;
    private static final int SRC_X = 0x08;

    /** A patch that cannot be made: the instruction is not what the relocation expects. */
    static final class Mismatch extends RuntimeException {
        Mismatch(String message) {
            super(message);
        }
    }

    private CorePatch() {
    }

    static long word(int code, int dst, int src, int off, int imm) {
        return (code & 0xffL) | (dst & 0xfL) << 8 | (src & 0xfL) << 12 | (off & 0xffffL) << 16 | (long) imm << 32;
    }

    static int code(long insn) {
        return (int) insn & 0xff;
    }

    static int dst(long insn) {
        return (int) (insn >>> 8) & 0xf;
    }

    static int src(long insn) {
        return (int) (insn >>> 12) & 0xf;
    }

    static int off(long insn) {
        return (short) (insn >>> 16);
    }

    static int imm(long insn) {
        return (int) (insn >>> 32);
    }

    private static long withImm(long insn, long imm) {
        return (insn & 0xffffffffL) | imm << 32;
    }

    private static long withOff(long insn, int off) {
        return (insn & ~0xffff0000L) | (off & 0xffffL) << 16;
    }

    private static long withCode(long insn, int code) {
        return (insn & ~0xffL) | (code & 0xffL);
    }

    /**
     * Patches instruction {@code at}; returns true when it was poisoned.
     *
     * @throws Mismatch when the instruction has a form the relocation cannot patch, or does not
     *                  hold the local value the relocation expects
     */
    static boolean patch(long[] insns, int at, CoreCalc.Result r) {
        if (at < 0 || at >= insns.length) {
            throw new Mismatch("instruction " + at + " is outside the " + insns.length + " instructions");
        }
        long insn = insns[at];
        boolean ldImm64 = code(insn) == LD_IMM64;
        if (ldImm64 && at + 1 >= insns.length) {
            throw new Mismatch("64-bit immediate load at the last instruction has no second half");
        }
        if (r.poison()) {
            poison(insns, at, ldImm64);
            return true;
        }
        int code = code(insn);
        switch (code & 0x07) {
            case ALU, ALU64 -> {
                if ((code & SRC_X) != 0) {
                    throw new Mismatch(String.format("ALU instruction (code 0x%02x) takes a register, not an immediate",
                            code));
                }
                if (r.validate() && !holds(imm(insn), r)) {
                    throw new Mismatch("ALU immediate is " + imm(insn) + ", expected " + r.local() + " (-> "
                            + r.target() + ")");
                }
                if (r.target() < Integer.MIN_VALUE || r.target() > 0xffffffffL) {
                    throw new Mismatch("value " + r.target() + " does not fit a 32-bit immediate");
                }
                insns[at] = withImm(insn, (int) r.target());
            }
            case LDX, ST, STX -> {
                if (r.validate() && off(insn) != r.local()) {
                    throw new Mismatch("memory offset is " + off(insn) + ", expected " + r.local() + " (-> "
                            + r.target() + ")");
                }
                if (r.target() < 0 || r.target() > Short.MAX_VALUE) {
                    throw new Mismatch("offset " + r.target() + " does not fit the 16-bit offset of a load or store");
                }
                if (r.badSizeChange()) {
                    // The field changed size and is not a pointer or unsigned int: its value would be wrong.
                    poison(insns, at, false);
                    return true;
                }
                long patched = withOff(insn, (int) r.target());
                if (r.localSize() != r.targetSize()) {
                    int bytes = sizeBytes(code);
                    if (bytes != r.localSize()) {
                        throw new Mismatch("memory access of " + bytes + " bytes, expected " + r.localSize());
                    }
                    int size = sizeCode(r.targetSize());
                    if (size < 0) {
                        throw new Mismatch("the field is " + r.targetSize() + " bytes on the target: no load or store"
                                + " has that size");
                    }
                    patched = withCode(patched, (code & 0xe0) | size | (code & 0x07));
                }
                insns[at] = patched;
            }
            case LD -> {
                long second = insns[at + 1];
                if (!ldImm64 || src(insn) != 0 || off(insn) != 0 || code(second) != 0 || dst(second) != 0
                        || src(second) != 0 || off(second) != 0) {
                    throw new Mismatch(String.format("64-bit immediate load has an unexpected form (0x%016x 0x%016x)",
                            insn, second));
                }
                long imm64 = (imm(insn) & 0xffffffffL) | (long) imm(second) << 32;
                if (r.validate() && !holds(imm64, r)) {
                    throw new Mismatch("64-bit immediate is " + imm64 + ", expected " + r.local() + " (-> "
                            + r.target() + ")");
                }
                insns[at] = withImm(insn, (int) r.target());
                insns[at + 1] = withImm(second, (int) (r.target() >>> 32));
            }
            default -> throw new Mismatch(String.format(
                    "instruction of class 0x%x (code 0x%02x, dst r%d, src r%d, off %d, imm %d) cannot be relocated",
                    code & 7, code, dst(insn), src(insn), off(insn), imm(insn)));
        }
        return false;
    }

    /** Whether the instruction's value is the local one (a 32-bit enumerator in either extension). */
    private static boolean holds(long value, CoreCalc.Result r) {
        if (value == r.local()) {
            return true;
        }
        return r.either32() && (value == (long) (int) r.local() || value == (r.local() & 0xffffffffL));
    }

    /** Both slots of a 64-bit immediate load are poisoned, so the verifier sees no half instruction. */
    private static void poison(long[] insns, int at, boolean ldImm64) {
        insns[at] = POISON;
        if (ldImm64) {
            insns[at + 1] = POISON;
        }
    }

    private static int sizeBytes(int code) {
        return switch (code & 0x18) {
            case 0x18 -> 8;
            case 0x00 -> 4;
            case 0x08 -> 2;
            default -> 1;
        };
    }

    private static int sizeCode(int bytes) {
        return switch (bytes) {
            case 8 -> 0x18;
            case 4 -> 0x00;
            case 2 -> 0x08;
            case 1 -> 0x10;
            default -> -1;
        };
    }
}
