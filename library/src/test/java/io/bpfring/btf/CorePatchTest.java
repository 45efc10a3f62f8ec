package io.bpfring.btf;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SortedMap;

import static io.bpfring.btf.CoreReloKind.FIELD_BYTE_OFFSET;
import static io.bpfring.btf.CoreReloKind.TYPE_ID_TARGET;
import static io.bpfring.btf.CoreTesting.addReg;
import static io.bpfring.btf.CoreTesting.applied;
import static io.bpfring.btf.CoreTesting.exit;
import static io.bpfring.btf.CoreTesting.fails;
import static io.bpfring.btf.CoreTesting.fixup;
import static io.bpfring.btf.CoreTesting.ldImm64;
import static io.bpfring.btf.CoreTesting.ldx;
import static io.bpfring.btf.CoreTesting.movImm;
import static io.bpfring.btf.CoreTesting.relo;
import static io.bpfring.btf.CoreTypesBuilder.m;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Patching instructions: the forms libbpf patches, the checks it makes, and everything it refuses. */
class CorePatchTest {
    private final CoreTypesBuilder lb = new CoreTypesBuilder();
    private final int lu64 = lb.integer("unsigned long", 8, false);
    private final int ls = lb.struct("s", 16, m("a", lu64, 0), m("b", lu64, 64));
    private final Btf local = lb.build();

    private final CoreTypesBuilder tb = new CoreTypesBuilder();
    private final int tu64 = tb.integer("unsigned long", 8, false);
    private final int tu128 = tb.integer("unsigned __int128", 16, false);
    private final int ts = tb.struct("s", 40016, m("a", tu128, 0), m("b", tu64, 40008 * 8));
    private final Btf target = tb.build();

    @Test
    void theFormsThatArePatched() {
        CoreFixup b = fixup(local, target, ls, "0:1", FIELD_BYTE_OFFSET);
        fails("offset 40008 does not fit the 16-bit offset of a load or store", () -> applied(b, ldx(0x18, 8)));
        assertEquals(movImm(40008), applied(b, movImm(8))[0]);
        assertEquals(CorePatch.word(0x07, 3, 0, 0, 40008), applied(b, CorePatch.word(0x07, 3, 0, 0, 8))[0]); // r3 += 8
        assertEquals(CorePatch.word(0x04, 3, 0, 0, 40008), applied(b, CorePatch.word(0x04, 3, 0, 0, 8))[0]); // w3 += 8
        CoreFixup id = fixup(local, target, ls, "0", TYPE_ID_TARGET);
        assertArrayEquals(ldImm64(ts), applied(id, ldImm64(ls)));
        assertEquals(movImm(ts), applied(id, movImm(ls))[0]);
    }

    @Test
    void whatIsRefused() {
        CoreFixup a = fixup(local, target, ls, "0:0", FIELD_BYTE_OFFSET);
        fails("kprobe/test insn 0: relo #0 <byte_off> [2] struct s.a (0:0 @ offset 0): cannot patch: ALU instruction"
                + " (code 0x0f) takes a register, not an immediate", () -> applied(a, addReg()));
        fails("instruction of class 0x5 (code 0x95, dst r0, src r0, off 0, imm 0) cannot be relocated",
                () -> applied(a, exit()));
        // u64 -> unsigned __int128 may change size, but no load has 16 bytes.
        fails("the field is 16 bytes on the target: no load or store has that size", () -> applied(a, ldx(0x18, 0)));
        CoreFixup id = fixup(local, target, ls, "0", TYPE_ID_TARGET);
        long[] mapLoad = ldImm64(ls);
        mapLoad[0] = CorePatch.word(0x18, 1, 1, 0, ls); // src_reg 1: a map fd, not a plain constant
        fails("64-bit immediate load has an unexpected form", () -> applied(id, mapLoad));
        long[] badSecond = ldImm64(ls);
        badSecond[1] = exit();
        fails("64-bit immediate load has an unexpected form", () -> applied(id, badSecond));
        fails("64-bit immediate load at the last instruction has no second half", () -> applied(id, ldImm64(ls)[0]));
        fails("instruction 0 is outside the 0 instructions", () -> applied(id));
        fails("cannot patch: instruction -1 is outside", () -> id.apply(new long[] {movImm(ls)}, 1));
    }

    @Test
    void programsAndMemory() {
        List<CoreFixup> fixups = new CoreRelocator(local, TargetBtf.of(target)).relocate("s", List.of(
                relo(1, ls, "0:1", FIELD_BYTE_OFFSET), relo(3, ls, "0", TYPE_ID_TARGET)));
        long[] id = ldImm64(ls);
        long[] section = {exit(), movImm(8), exit(), id[0], id[1], exit()};

        long[] program = {movImm(8), exit(), id[0], id[1]}; // the program starting at instruction 1
        fails("cannot be relocated", () -> fixups.get(0).apply(program.clone(), 0)); // counted from the wrong start
        fixups.forEach(f -> f.apply(program, 1));
        assertEquals(movImm(40008), program[0]);
        assertArrayEquals(ldImm64(ts), new long[] {program[2], program[3]});

        MemorySegment memory = MemorySegment.ofArray(new byte[section.length * 8]);
        ValueLayout.OfLong le = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < section.length; i++) {
            memory.set(le, i * 8L, section[i]);
        }
        fixups.forEach(f -> assertFalse(f.apply(memory)));
        long[] patched = section.clone();
        assertTrue(CoreFixup.applyAll(fixups, patched).isEmpty());
        assertArrayEquals(patched, memory.toArray(le));
        assertEquals(program[0], patched[1]);
    }

    @Test
    void poisonedInstructionsAndTheVerifierLog() {
        CoreTypesBuilder gone = new CoreTypesBuilder();
        gone.struct("s", 8);
        List<CoreFixup> fixups = new CoreRelocator(local, TargetBtf.of(gone.build())).relocate("s", List.of(
                relo(0, ls, "0:1", FIELD_BYTE_OFFSET), relo(2, ls, "0:1", FIELD_BYTE_OFFSET)));
        long[] insns = {ldx(0x18, 8), exit(), movImm(8), exit()};
        SortedMap<Integer, CoreFixup> poisoned = CoreFixup.applyAll(fixups, insns);
        assertEquals(List.of(0, 2), List.copyOf(poisoned.keySet()));
        assertArrayEquals(new long[] {CorePatch.POISON, exit(), CorePatch.POISON, exit()}, insns);
        assertEquals(0x85L | (long) CoreFixup.POISON_HELPER << 32, CorePatch.POISON);

        String log = """
                0: R1=ctx() R10=fp0
                0: (b7) r1 = 1                        ; R1=1
                1: (15) if r1 == 0x0 goto pc+2        ; R1=1
                2: (85) call unknown#195896080
                invalid func unknown#195896080
                processed 3 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0
                """;
        assertEquals(2, CoreFixup.poisonedInsn(log));
        assertEquals(-1, CoreFixup.poisonedInsn("0: (95) exit\nR0 !read_ok\n"));
        assertEquals(-1, CoreFixup.poisonedInsn(log.replace("invalid func unknown#195896080", "other failure")));
    }
}
