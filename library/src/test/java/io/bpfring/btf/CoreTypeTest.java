package io.bpfring.btf;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.bpfring.btf.CoreFieldTest.values;
import static io.bpfring.btf.CoreReloKind.TYPE_EXISTS;
import static io.bpfring.btf.CoreReloKind.TYPE_ID_LOCAL;
import static io.bpfring.btf.CoreReloKind.TYPE_ID_TARGET;
import static io.bpfring.btf.CoreReloKind.TYPE_MATCHES;
import static io.bpfring.btf.CoreReloKind.TYPE_SIZE;
import static io.bpfring.btf.CoreTesting.applied;
import static io.bpfring.btf.CoreTesting.fixup;
import static io.bpfring.btf.CoreTesting.ldImm64;
import static io.bpfring.btf.CoreTesting.movImm;
import static io.bpfring.btf.CoreTypesBuilder.m;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Type relocations (kinds 6-9 and 12): existence, size and ids are answered through libbpf's
 * loose compatibility, "type matches" through its strict rules. Absent types give 0, never
 * poison.
 */
class CoreTypeTest {
    /** Local: the program's types. */
    private final CoreTypesBuilder lb = new CoreTypesBuilder();
    private final int li = lb.integer("int", 4, true);
    private final int lu = lb.integer("unsigned int", 4, false);
    private final int lother = lb.struct("other", 4, m("v", li, 0));
    private final int lstruct = lb.struct("conf", 16, m("a", li, 0), m("b", lu, 32), m("o", lb.ptr(lother), 64));
    private final int ltypedef = lb.typedef("conf_t", lstruct);
    private final int lpidT = lb.typedef("pid_t", li);
    private final int lcb = lb.typedef("cb_t", lb.ptr(lb.funcProto(li, li, li)));
    private final int lunionAsStruct = lb.struct("shape", 4, m("v", li, 0));
    private final int labsent = lb.struct("nowhere", 4, m("v", li, 0));
    private final int larr = lb.struct("arr", 16, m("a", lb.array(li, 4), 0));
    private final Btf local = lb.build();

    /** Target: conf grew and reordered, pid_t is a struct, cb_t takes three arguments, shape is a union. */
    private final CoreTypesBuilder tb = new CoreTypesBuilder();
    private final int ti = tb.integer("int", 4, true);
    private final int tl = tb.integer("long", 8, true);
    private final int tu = tb.integer("unsigned int", 4, false);
    private final int tother = tb.fwd("other", false);
    private final int tstruct = tb.struct("conf", 24, m("o", tb.ptr(tother), 0), m("b", tu, 64), m("extra", tl, 128),
            m("a", ti, 96));
    private final int ttypedef = tb.typedef("conf_t", tstruct);
    private final int tpidT = tb.struct("pid_t", 4, m("v", ti, 0));
    private final int tcb = tb.typedef("cb_t", tb.ptr(tb.funcProto(ti, ti, ti, ti)));
    private final int tunion = tb.union("shape", 4, m("v", ti, 0));
    private final int tarr = tb.struct("arr", 32, m("a", tb.array(ti, 8), 0));
    private final Btf target = tb.build();

    @Test
    void existsSizeAndIds() {
        assertEquals(List.of(1L, 1L), values(fixup(local, target, lstruct, "0", TYPE_EXISTS)));
        assertEquals(List.of(16L, 24L), values(fixup(local, target, lstruct, "0", TYPE_SIZE)));
        assertEquals(List.of(16L, 24L), values(fixup(local, target, ltypedef, "0", TYPE_SIZE)));
        assertEquals(List.of((long) lstruct, (long) tstruct),
                values(fixup(local, target, lstruct, "0", TYPE_ID_TARGET)));
        assertEquals(List.of((long) ttypedef, (long) ttypedef),
                List.of((long) ttypedef, fixup(local, target, ltypedef, "0", TYPE_ID_TARGET).targetValue()));
        assertEquals(List.of((long) lstruct, (long) lstruct),
                values(fixup(local, target, lstruct, "0", TYPE_ID_LOCAL)));
    }

    @Test
    void absentOrIncompatibleTypesAreZeroNotPoison() {
        for (CoreReloKind kind : List.of(TYPE_EXISTS, TYPE_SIZE, TYPE_ID_TARGET, TYPE_MATCHES)) {
            assertEquals(List.of(kind == TYPE_SIZE ? 4L : kind == TYPE_ID_TARGET ? (long) labsent : 1L, 0L),
                    values(fixup(local, target, labsent, "0", kind)), kind.toString());
        }
        // A typedef in one and a struct in the other are no candidates for each other.
        assertEquals(List.of(1L, 0L), values(fixup(local, target, lpidT, "0", TYPE_EXISTS)));
        // Struct and union: kinds differ.
        assertEquals(List.of(1L, 0L), values(fixup(local, target, lunionAsStruct, "0", TYPE_EXISTS)));
        // Function pointers of different arity.
        assertEquals(List.of(1L, 0L), values(fixup(local, target, lcb, "0", TYPE_EXISTS)));
    }

    @Test
    void typeIdsGoIntoBothHalvesOfA64BitLoadUnchecked() {
        long[] insns = applied(fixup(local, target, lstruct, "0", TYPE_ID_TARGET), ldImm64(12345));
        assertArrayEquals(ldImm64(tstruct), insns);
        // The local id is not checked either: linking may have renumbered it.
        assertArrayEquals(ldImm64(lstruct), applied(fixup(local, target, lstruct, "0", TYPE_ID_LOCAL), ldImm64(99)));
        assertEquals(movImm(24), applied(fixup(local, target, lstruct, "0", TYPE_SIZE), movImm(16))[0]);
    }

    @Test
    void typesMatchIsStricterThanCompatibility() {
        // conf: every local member has a same-named, matching target member; the struct behind
        // the pointer matches a forward declaration by name and kind.
        assertEquals(List.of(1L, 1L), values(fixup(local, target, lstruct, "0", TYPE_MATCHES)));
        assertEquals(List.of(1L, 1L), values(fixup(local, target, ltypedef, "0", TYPE_MATCHES)));
        // arr: int[4] against int[8] is compatible but does not match.
        assertEquals(List.of(1L, 1L), values(fixup(local, target, larr, "0", TYPE_EXISTS)));
        assertEquals(List.of(1L, 0L), values(fixup(local, target, larr, "0", TYPE_MATCHES)));

        CoreTypesBuilder b = new CoreTypesBuilder();
        int i = b.integer("int", 4, true);
        int u = b.integer("unsigned int", 4, false);
        int l = b.integer("long", 8, true);
        int missing = b.struct("conf", 16, m("a", i, 0), m("c", u, 32));      // no member c in the target
        int unsignedA = b.struct("conf___u", 16, m("a", u, 0));                // a unsigned: sign differs
        int longA = b.struct("conf___l", 16, m("a", l, 0));                    // a long: size differs
        int subset = b.struct("conf___ok", 4, m("a", i, 0));                   // a subset, other offsets: fine
        // Behind the pointer a union, where the target declares struct other.
        int fwdPtr = b.struct("conf___p", 8, m("o", b.ptr(b.union("other", 4, m("v", i, 0))), 0));
        Btf variants = b.build();
        assertEquals(0, fixup(variants, target, missing, "0", TYPE_MATCHES).targetValue());
        assertEquals(0, fixup(variants, target, unsignedA, "0", TYPE_MATCHES).targetValue());
        assertEquals(0, fixup(variants, target, longA, "0", TYPE_MATCHES).targetValue());
        assertEquals(1, fixup(variants, target, subset, "0", TYPE_MATCHES).targetValue());
        assertEquals(0, fixup(variants, target, fwdPtr, "0", TYPE_MATCHES).targetValue());
        assertEquals(1, fixup(variants, target, longA, "0", TYPE_EXISTS).targetValue());
    }

    @Test
    void typesMatchForEnumsAndFunctionPointers() {
        CoreTypesBuilder lb2 = new CoreTypesBuilder();
        int li2 = lb2.integer("int", 4, true);
        int names = lb2.enumeration("mode", 4, false, "A", 1, "B", 2);              // values may differ
        int extra = lb2.enumeration("mode___x", 4, false, "A", 1, "Z", 9);          // Z is not in the target
        int wide = lb2.enum64("mode___w", false, "A", 1);                           // 8 bytes against 4
        int cb = lb2.typedef("cb_t", lb2.ptr(lb2.funcProto(li2, li2, li2, li2)));
        Btf l = lb2.build();
        CoreTypesBuilder tb2 = new CoreTypesBuilder();
        int ti2 = tb2.integer("int", 4, true);
        tb2.enumeration("mode", 4, false, "B", 20, "A", 10, "C", 30);
        tb2.typedef("cb_t", tb2.ptr(tb2.funcProto(ti2, ti2, ti2, ti2)));
        Btf t = tb2.build();
        assertEquals(1, fixup(l, t, names, "0", TYPE_MATCHES).targetValue());
        assertEquals(0, fixup(l, t, extra, "0", TYPE_MATCHES).targetValue());
        assertEquals(0, fixup(l, t, wide, "0", TYPE_MATCHES).targetValue());
        assertEquals(1, fixup(l, t, wide, "0", TYPE_EXISTS).targetValue()); // enum64 and enum are compatible
        assertEquals(1, fixup(l, t, cb, "0", TYPE_MATCHES).targetValue());
        assertEquals(0, fixup(local, t, lcb, "0", TYPE_MATCHES).targetValue()); // two parameters against three
    }
}
