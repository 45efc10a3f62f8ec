package io.bpfring.btf;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.bpfring.btf.CoreReloKind.FIELD_BYTE_OFFSET;
import static io.bpfring.btf.CoreReloKind.FIELD_BYTE_SIZE;
import static io.bpfring.btf.CoreReloKind.FIELD_EXISTS;
import static io.bpfring.btf.CoreReloKind.FIELD_LSHIFT_U64;
import static io.bpfring.btf.CoreReloKind.FIELD_RSHIFT_U64;
import static io.bpfring.btf.CoreReloKind.FIELD_SIGNED;
import static io.bpfring.btf.CoreTesting.applied;
import static io.bpfring.btf.CoreTesting.fails;
import static io.bpfring.btf.CoreTesting.fixup;
import static io.bpfring.btf.CoreTesting.ldx;
import static io.bpfring.btf.CoreTesting.movImm;
import static io.bpfring.btf.CoreTesting.stx;
import static io.bpfring.btf.CoreTypesBuilder.bits;
import static io.bpfring.btf.CoreTypesBuilder.m;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Field relocations (kinds 0-5) between a struct as a program was compiled against it and the
 * same struct as a newer kernel lays it out: fields moved, moved into anonymous members,
 * renamed, grown, and bitfields placed differently. Expected values are worked out by hand from
 * the layouts and libbpf's rules.
 */
class CoreFieldTest {
    /** The program's view: struct task (64 bytes) and struct signal_struct. */
    static final class Local {
        final CoreTypesBuilder b = new CoreTypesBuilder();
        final int s32 = b.integer("int", 4, true);
        final int u32 = b.integer("unsigned int", 4, false);
        final int chr = b.integer("char", 1, true);
        final int comm = b.array(chr, 16);
        final int signal = b.struct("signal_struct", 4, m("nr_threads", s32, 0));
        final int signalPtr = b.ptr(signal);
        final int counts = b.array(s32, 4);
        final int task = b.struct("task", 64, m("pid", s32, 0), m("tgid", s32, 32), m("flags", u32, 64),
                m("state", s32, 96), m("prio", s32, 128), m("signal", signalPtr, 192), m("comm", comm, 256),
                m("counts", counts, 384));
        final Btf btf = b.build();
    }

    /** The kernel's view: fields moved, one renamed, some grown, tgid inside an anonymous union. */
    static final class Target {
        final CoreTypesBuilder b = new CoreTypesBuilder();
        final int s32 = b.integer("int", 4, true);
        final int u32 = b.integer("unsigned int", 4, false);
        final int s64 = b.integer("long", 8, true);
        final int u64 = b.integer("unsigned long", 8, false);
        final int chr = b.integer("char", 1, true);
        final int comm = b.array(chr, 32);
        final int signal = b.struct("signal_struct", 16, m("pad", s64, 0), m("nr_threads", s32, 64));
        final int signalPtr = b.ptr(signal);
        final int inner = b.struct("", 8, m("x", s32, 0), m("tgid", s32, 32));
        final int anonUnion = b.union("", 8, m("u", s64, 0), m("", inner, 0));
        final int counts = b.array(s32, 8);
        final int task = b.struct("task", 128, m("__state", s32, 0), m("id", s64, 64), m("pid", s32, 128),
                m("", anonUnion, 192), m("flags", u64, 256), m("prio", s64, 320), m("signal", signalPtr, 384),
                m("comm", comm, 448), m("counts", counts, 704));
        final Btf btf = b.build();
    }

    private final Local local = new Local();
    private final Target target = new Target();

    private CoreFixup task(String access, CoreReloKind kind) {
        return fixup(local.btf, target.btf, local.task, access, kind);
    }

    @Test
    void movedFieldsGetTheirNewOffsets() {
        assertEquals(List.of(0L, 16L), values(task("0:0", FIELD_BYTE_OFFSET)));   // pid
        // tgid, now in union { struct { x; tgid } }
        assertEquals(List.of(4L, 28L), values(task("0:1", FIELD_BYTE_OFFSET)));
        assertEquals(List.of(24L, 48L), values(task("0:5", FIELD_BYTE_OFFSET)));  // signal
        assertEquals(List.of(0L, 8L), values(fixup(local.btf, target.btf, local.signal, "0:0", FIELD_BYTE_OFFSET)));
        // An array element: counts[2]; and the root itself, p[1].
        assertEquals(List.of(56L, 96L), values(task("0:7:2", FIELD_BYTE_OFFSET)));
        assertEquals(List.of(64L, 128L), values(task("1", FIELD_BYTE_OFFSET)));
        assertEquals("kprobe/test insn 0: relo #0 <byte_off> [8] struct task.counts[2] (0:7:2 @ offset 56): 56 -> 96"
                + " (vmlinux [12] struct task)", task("0:7:2", FIELD_BYTE_OFFSET).toString());
    }

    @Test
    void offsetsArePatchedIntoAluImmediatesAndMemoryOffsets() {
        CoreFixup pid = task("0:0", FIELD_BYTE_OFFSET);
        assertEquals(movImm(16), applied(pid, movImm(0))[0]);
        assertEquals(ldx(0x00, 16), applied(pid, ldx(0x00, 0))[0]);
        assertEquals(stx(16), applied(pid, stx(0))[0]);
        // The instruction must hold the local offset: anything else is not this relocation's.
        fails("kprobe/test insn 0: relo #0 <byte_off> [8] struct task.pid (0:0 @ offset 0): cannot patch: ALU"
                + " immediate is 4, expected 0 (-> 16)", () -> applied(pid, movImm(4)));
        fails("memory offset is 8, expected 0 (-> 16)", () -> applied(pid, ldx(0x00, 8)));
    }

    @Test
    void loadsChangeSizeOnlyForUnsignedIntsAndPointers() {
        // flags: unsigned int -> unsigned long: the 4-byte load becomes an 8-byte one.
        CoreFixup flags = task("0:2", FIELD_BYTE_OFFSET);
        assertEquals(ldx(0x18, 32), applied(flags, ldx(0x00, 8))[0]);
        fails("memory access of 2 bytes, expected 4", () -> applied(flags, ldx(0x08, 8)));
        // prio: int -> long: a 4-byte load of it would read half a signed value, so it is poisoned;
        // an ALU use of the offset is still patched.
        CoreFixup prio = task("0:4", FIELD_BYTE_OFFSET);
        assertFalse(prio.poisoned());
        assertTrue(prio.toString().contains("a load or store of it is poisoned"), prio.toString());
        long[] load = {ldx(0x00, 16)};
        assertTrue(prio.apply(load));
        assertEquals(CorePatch.POISON, load[0]);
        assertEquals(movImm(40), applied(prio, movImm(16))[0]);
        // A pointer keeps its size: signal's load is only moved.
        assertEquals(ldx(0x18, 48), applied(task("0:5", FIELD_BYTE_OFFSET), ldx(0x18, 24))[0]);
    }

    @Test
    void aRenamedFieldIsPoisonedOrAbsent() {
        CoreFixup state = task("0:3", FIELD_BYTE_OFFSET);
        assertTrue(state.poisoned());
        assertEquals("kprobe/test insn 0: relo #0 <byte_off> [8] struct task.state (0:3 @ offset 12): poisoned, not in"
                + " vmlinux [12] struct task", state.toString());
        long[] insns = {ldx(0x00, 12), CoreTesting.exit()};
        assertTrue(state.apply(insns));
        assertArrayEquals(new long[] {CorePatch.POISON, CoreTesting.exit()}, insns);
        assertTrue(task("0:3", FIELD_BYTE_SIZE).poisoned());
        assertTrue(task("0:3", FIELD_SIGNED).poisoned());
        // Existence never poisons: it answers 0, or 1.
        CoreFixup exists = task("0:3", FIELD_EXISTS);
        assertFalse(exists.poisoned());
        assertEquals(movImm(0), applied(exists, movImm(1))[0]);
        assertEquals(List.of(1L, 1L), values(task("0:0", FIELD_EXISTS)));
    }

    @Test
    void sizesSignsAndShiftsOfPlainFields() {
        assertEquals(List.of(16L, 32L), values(task("0:6", FIELD_BYTE_SIZE)));     // comm[16] -> comm[32]
        assertEquals(List.of(32L, 56L), values(task("0:6", FIELD_BYTE_OFFSET)));
        assertEquals(List.of(4L, 4L), values(task("0:7:1", FIELD_BYTE_SIZE)));     // an element of counts
        assertEquals(List.of(4L, 8L), values(task("0:2", FIELD_BYTE_SIZE)));       // flags grew
        assertEquals(List.of(1L, 1L), values(task("0:0", FIELD_SIGNED)));
        assertEquals(List.of(0L, 0L), values(task("0:2", FIELD_SIGNED)));
        // A whole field: shifted up to bit 63 and back down by its width.
        assertEquals(List.of(32L, 0L), values(task("0:4", FIELD_LSHIFT_U64)));    // prio: int -> long
        assertEquals(List.of(32L, 0L), values(task("0:4", FIELD_RSHIFT_U64)));
        fails("<signed> cannot be applied to an array element", () -> task("0:7:1", FIELD_SIGNED));
    }

    @Test
    void bitfieldsAreReadWithTheSmallestLoadThatCoversThem() {
        CoreTypesBuilder lb = new CoreTypesBuilder();
        int lu32 = lb.integer("unsigned int", 4, false);
        int ls32 = lb.integer("int", 4, true);
        int lbf = lb.struct("flags", 4, bits("a", lu32, 0, 3), bits("b", lu32, 3, 5), bits("c", ls32, 8, 4));
        Btf l = lb.build();
        CoreTypesBuilder tb = new CoreTypesBuilder();
        int tu32 = tb.integer("unsigned int", 4, false);
        int ts8 = tb.integer("signed char", 1, true);
        int tu64 = tb.integer("unsigned long", 8, false);
        tb.struct("flags", 16, bits("a", tu32, 0, 3), bits("b", tu32, 30, 5), bits("c", ts8, 37, 4),
                bits("d", tu64, 70, 60));
        Btf t = tb.build();

        // b: 5 bits at bit 30 of an unsigned int spill into the next word: an 8-byte load at 0.
        assertEquals(List.of(0L, 0L), values(fixup(l, t, lbf, "0:1", FIELD_BYTE_OFFSET)));
        assertEquals(List.of(4L, 8L), values(fixup(l, t, lbf, "0:1", FIELD_BYTE_SIZE)));
        assertEquals(List.of(56L, 29L), values(fixup(l, t, lbf, "0:1", FIELD_LSHIFT_U64)));
        assertEquals(List.of(59L, 59L), values(fixup(l, t, lbf, "0:1", FIELD_RSHIFT_U64)));
        assertEquals(List.of(0L, 0L), values(fixup(l, t, lbf, "0:1", FIELD_SIGNED)));
        // c: 4 signed bits at bit 37 of a signed char cross a byte: a 2-byte load at byte 4.
        assertEquals(List.of(0L, 4L), values(fixup(l, t, lbf, "0:2", FIELD_BYTE_OFFSET)));
        assertEquals(List.of(4L, 2L), values(fixup(l, t, lbf, "0:2", FIELD_BYTE_SIZE)));
        assertEquals(List.of(52L, 55L), values(fixup(l, t, lbf, "0:2", FIELD_LSHIFT_U64)));
        assertEquals(List.of(60L, 60L), values(fixup(l, t, lbf, "0:2", FIELD_RSHIFT_U64)));
        assertEquals(List.of(1L, 1L), values(fixup(l, t, lbf, "0:2", FIELD_SIGNED)));

        // clang and libbpf may size a bitfield load differently: offset, size and left shift
        // are not checked against the instruction; right shift and sign are.
        assertEquals(movImm(8), applied(fixup(l, t, lbf, "0:1", FIELD_BYTE_SIZE), movImm(1))[0]);
        assertEquals(movImm(29), applied(fixup(l, t, lbf, "0:1", FIELD_LSHIFT_U64), movImm(61))[0]);
        fails("ALU immediate is 63, expected 59", () -> applied(fixup(l, t, lbf, "0:1", FIELD_RSHIFT_U64), movImm(63)));
        // A bitfield no 8-byte load can cover fails the relocation (as libbpf does).
        CoreTypesBuilder wb = new CoreTypesBuilder();
        int wu64 = wb.integer("unsigned long", 8, false);
        int wide = wb.struct("flags", 16, bits("a", wu64, 0, 3), bits("b", wu64, 10, 60));
        fails("bitfield b (60 bits at bit 10) cannot be read with one 64-bit load",
                () -> fixup(wb.build(), wb.build(), wide, "0:1", FIELD_BYTE_SIZE));
    }

    @Test
    void incompatibleMemberTypesDoNotMatch() {
        CoreTypesBuilder lb = new CoreTypesBuilder();
        int ls32 = lb.integer("int", 4, true);
        int inner = lb.struct("inner", 4, m("v", ls32, 0));
        int lt = lb.typedef("inner_t", inner);
        int ls = lb.struct("s", 16, m("num", ls32, 0), m("ptr", lb.ptr(ls32), 64), m("in", lt, 0));
        Btf l = lb.build();
        CoreTypesBuilder tb = new CoreTypesBuilder();
        int ts32 = tb.integer("int", 4, true);
        int tinner = tb.union("inner", 4, m("v", ts32, 0)); // a union where the program has a struct: fine
        tb.struct("s", 16, m("num", tb.ptr(ts32), 0), m("ptr", ts32, 64), m("in", tinner, 32));
        Btf t = tb.build();
        assertTrue(fixup(l, t, ls, "0:0", FIELD_BYTE_OFFSET).poisoned(), "int vs pointer");
        assertTrue(fixup(l, t, ls, "0:1", FIELD_BYTE_OFFSET).poisoned(), "pointer vs int");
        assertEquals(List.of(0L, 4L), values(fixup(l, t, ls, "0:2", FIELD_BYTE_OFFSET)), "typedef'd struct vs union");
        assertEquals(List.of(0L, 4L), values(fixup(l, t, ls, "0:2:0", FIELD_BYTE_OFFSET)));
    }

    @Test
    void arrayIndexesAreCheckedAgainstTheTargetArray() {
        CoreTypesBuilder lb = new CoreTypesBuilder();
        int li = lb.integer("int", 4, true);
        int ls = lb.struct("s", 32, m("n", li, 0), m("arr", lb.array(li, 6), 32));
        Btf l = lb.build();
        CoreTypesBuilder small = new CoreTypesBuilder();
        int si = small.integer("int", 4, true);
        small.struct("s", 16, m("n", si, 0), m("arr", small.array(si, 2), 32));
        assertTrue(fixup(l, small.build(), ls, "0:1:3", FIELD_BYTE_OFFSET).poisoned(), "index 3 of int[2]");
        assertEquals(List.of(8L, 8L), values(fixup(l, small.build(), ls, "0:1:1", FIELD_BYTE_OFFSET)));
        // A flexible array (no elements, last member) takes any index.
        CoreTypesBuilder flex = new CoreTypesBuilder();
        int fi = flex.integer("int", 4, true);
        flex.struct("s", 8, m("n", fi, 0), m("arr", flex.array(fi, 0), 64));
        assertEquals(List.of(16L, 20L), values(fixup(l, flex.build(), ls, "0:1:3", FIELD_BYTE_OFFSET)));
    }

    @Test
    void flavoursStandForTheSameTargetType() {
        CoreTypesBuilder lb = new CoreTypesBuilder();
        int li = lb.integer("int", 4, true);
        int old = lb.struct("task___old", 4, m("state", li, 0));
        int cur = lb.struct("task___new", 4, m("__state", li, 0));
        Btf l = lb.build();
        assertEquals(List.of(1L, 0L), values(fixup(l, target.btf, old, "0:0", FIELD_EXISTS)));
        assertTrue(fixup(l, target.btf, old, "0:0", FIELD_BYTE_OFFSET).poisoned());
        assertEquals(List.of(0L, 0L), values(fixup(l, target.btf, cur, "0:0", FIELD_BYTE_OFFSET)));
        assertEquals(List.of(1L, 1L), values(fixup(l, target.btf, old, "0", CoreReloKind.TYPE_EXISTS)));
    }

    static List<Long> values(CoreFixup f) {
        assertFalse(f.poisoned(), f.toString());
        return List.of(f.localValue(), f.targetValue());
    }
}
