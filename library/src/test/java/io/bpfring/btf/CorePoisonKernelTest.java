package io.bpfring.btf;

import io.bpfring.bpf.BpfProgram;
import io.bpfring.asm.Insn;
import io.bpfring.bpf.ProgramType;
import io.bpfring.VerifierException;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

import static io.bpfring.btf.CoreTesting.relo;
import static io.bpfring.btf.CoreTypesBuilder.m;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Poisoned instructions as the kernel sees them: dead code behind an existence check loads and
 * runs; a reachable one is refused, and the verifier's log leads back to the relocation.
 */
class CorePoisonKernelTest {
    /** {@code return exists(s.gone) ? s.gone's offset : 7}, with the offset's instruction at 2. */
    private static long[] program() {
        return new long[] {
                CorePatch.word(0xb7, 1, 0, 0, 1),  // 0: r1 = bpf_core_field_exists(s.gone)
                CorePatch.word(0x15, 1, 0, 2, 0),  // 1: if r1 == 0 goto 4
                CorePatch.word(0xb7, 0, 0, 0, 4),  // 2: r0 = offsetof(s, gone)
                CorePatch.word(0x95, 0, 0, 0, 0),  // 3: exit
                CorePatch.word(0xb7, 0, 0, 0, 7),  // 4: r0 = 7
                CorePatch.word(0x95, 0, 0, 0, 0),  // 5: exit
        };
    }

    private static SortedMap<Integer, CoreFixup> relocate(long[] insns, boolean guarded) {
        CoreTypesBuilder lb = new CoreTypesBuilder();
        int li = lb.integer("int", 4, true);
        int ls = lb.struct("s", 8, m("here", li, 0), m("gone", li, 32));
        CoreTypesBuilder tb = new CoreTypesBuilder();
        int ti = tb.integer("int", 4, true);
        tb.struct("s", 4, m("here", ti, 0));
        List<BtfExt.CoreRelo> relos = new ArrayList<>();
        if (guarded) {
            relos.add(relo(0, ls, "0:1", CoreReloKind.FIELD_EXISTS));
        }
        relos.add(relo(2, ls, "0:1", CoreReloKind.FIELD_BYTE_OFFSET));
        List<CoreFixup> fixups = new CoreRelocator(lb.build(), TargetBtf.of(tb.build())).relocate("syscall", relos);
        return CoreFixup.applyAll(fixups, insns);
    }

    private static List<Insn> insns(long[] words) {
        List<Insn> list = new ArrayList<>();
        for (long w : words) {
            list.add(new Insn(CorePatch.code(w), CorePatch.dst(w), CorePatch.src(w), CorePatch.off(w), CorePatch.imm(w),
                    null));
        }
        return list;
    }

    @Test
    void aGuardedPoisonedInstructionIsDeadCode() {
        Kernel.require();
        long[] insns = program();
        SortedMap<Integer, CoreFixup> poisoned = relocate(insns, true);
        assertEquals(List.of(2), List.copyOf(poisoned.keySet()));
        try (BpfProgram p = BpfProgram.load(ProgramType.SYSCALL, "core_guarded", insns(insns))) {
            assertEquals(7, p.testRun(new byte[8]));
        }
    }

    @Test
    void aReachablePoisonedInstructionIsRefusedAndTracedBack() {
        Kernel.require();
        long[] insns = program();
        insns[0] = CorePatch.word(0xb7, 1, 0, 0, 1); // no guard: r1 stays 1
        SortedMap<Integer, CoreFixup> poisoned = relocate(insns, false);
        VerifierException e = assertThrows(VerifierException.class,
                () -> BpfProgram.load(ProgramType.SYSCALL, "core_poisoned", insns(insns)));
        assertTrue(e.log().contains("invalid func unknown#195896080"), e.log());
        int insn = CoreFixup.poisonedInsn(e.log());
        assertEquals(2, insn);
        assertEquals("syscall insn 2: relo #0 <byte_off> [2] struct s.gone (0:1 @ offset 4): poisoned, not in vmlinux"
                + " [2] struct s", poisoned.get(insn).toString());
    }
}
