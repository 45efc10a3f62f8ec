package io.bpfring.btf;

import io.bpfring.BtfException;

import org.junit.jupiter.api.function.Executable;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Relocations, instructions and checks shared by the CO-RE tests on built BTF. */
final class CoreTesting {
    static final String SECTION = "kprobe/test";

    private CoreTesting() {
    }

    static BtfExt.CoreRelo relo(int insn, int typeId, String access, CoreReloKind kind) {
        return new BtfExt.CoreRelo(insn * 8, typeId, 0, access, kind);
    }

    /** One relocation at instruction 0, computed by a fresh relocator. */
    static CoreFixup fixup(Btf local, Btf target, int typeId, String access, CoreReloKind kind) {
        return fixup(local, TargetBtf.of(target), typeId, access, kind);
    }

    static CoreFixup fixup(Btf local, TargetBtf target, int typeId, String access, CoreReloKind kind) {
        return new CoreRelocator(local, target).relocate(SECTION, List.of(relo(0, typeId, access, kind))).getFirst();
    }

    /** {@code r1 = imm} (ALU64 MOV, immediate). */
    static long movImm(int imm) {
        return CorePatch.word(0xb7, 1, 0, 0, imm);
    }

    /** {@code r1 += r2}: ALU64 ADD with a register source. */
    static long addReg() {
        return CorePatch.word(0x0f, 1, 2, 0, 0);
    }

    /** {@code r0 = *(size *)(r1 + off)}; size code 0x00 W, 0x08 H, 0x10 B, 0x18 DW. */
    static long ldx(int sizeCode, int off) {
        return CorePatch.word(0x61 & ~0x18 | sizeCode, 0, 1, off, 0);
    }

    /** {@code *(u32 *)(r10 + off) = imm} (ST). */
    static long st(int off, int imm) {
        return CorePatch.word(0x62, 10, 0, off, imm);
    }

    /** {@code *(u32 *)(r10 + off) = r1} (STX). */
    static long stx(int off) {
        return CorePatch.word(0x63, 10, 1, off, 0);
    }

    /** The two slots of {@code r1 = imm64 ll}. */
    static long[] ldImm64(long imm) {
        return new long[] {CorePatch.word(0x18, 1, 0, 0, (int) imm), CorePatch.word(0, 0, 0, 0, (int) (imm >>> 32))};
    }

    static long exit() {
        return CorePatch.word(0x95, 0, 0, 0, 0);
    }

    /** The fixup applied to {@code insns}, returned patched. */
    static long[] applied(CoreFixup fixup, long... insns) {
        long[] copy = insns.clone();
        fixup.apply(copy);
        return copy;
    }

    static void fails(String expected, Executable e) {
        String message = assertThrows(BtfException.class, e).getMessage();
        assertTrue(message.contains(expected), "'" + message + "' does not say '" + expected + "'");
    }
}
