package io.bpfring.btf;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.bpfring.btf.CoreFieldTest.values;
import static io.bpfring.btf.CoreReloKind.ENUMVAL_EXISTS;
import static io.bpfring.btf.CoreReloKind.ENUMVAL_VALUE;
import static io.bpfring.btf.CoreTesting.applied;
import static io.bpfring.btf.CoreTesting.fails;
import static io.bpfring.btf.CoreTesting.fixup;
import static io.bpfring.btf.CoreTesting.ldImm64;
import static io.bpfring.btf.CoreTesting.movImm;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Enum value relocations (kinds 10, 11): enumerators renumbered, added, removed, widened to 64 bits. */
class CoreEnumTest {
    private final CoreTypesBuilder lb = new CoreTypesBuilder();
    private final int pidType = lb.enumeration("pid_type", 4, false, "PIDTYPE_PID", 0, "PIDTYPE_TGID", 1,
            "PIDTYPE_PGID", 2, "PIDTYPE_GONE", 3);
    private final int flavoured = lb.enumeration("pid_type___v2", 4, false, "PIDTYPE_SID___v2", 3);
    private final int wide = lb.enumeration("wide", 4, false, "W_BIG", 1);
    private final int ino = lb.enumeration("ino", 4, false, "INO_HIGH", 0xEFFFFFFFL);
    private final int neg = lb.enumeration("neg", 4, false, "NEG_TWO", 0xFFFFFFFEL); // clang < 15: no sign flag
    private final Btf local = lb.build();

    private final CoreTypesBuilder tb = new CoreTypesBuilder();
    private final int tPidType = tb.enumeration("pid_type", 4, false, "PIDTYPE_PID", 0, "PIDTYPE_TGID", 1,
            "PIDTYPE_NEW", 2, "PIDTYPE_PGID", 3, "PIDTYPE_SID", 4);
    private final int tWide = tb.enum64("wide", false, "W_SMALL", 1, "W_BIG", 1L << 40);
    private final int tIno = tb.enumeration("ino", 4, false, "INO_HIGH", 0xEFFFFFF0L);
    private final int tNeg = tb.enumeration("neg", 4, true, "NEG_TWO", -3);
    private final Btf target = tb.build();

    @Test
    void renumberedAddedAndRemovedEnumerators() {
        assertEquals(List.of(2L, 3L), values(fixup(local, target, pidType, "2", ENUMVAL_VALUE)));
        assertEquals(List.of(1L, 1L), values(fixup(local, target, pidType, "2", ENUMVAL_EXISTS)));
        assertEquals(List.of(0L, 0L), values(fixup(local, target, pidType, "0", ENUMVAL_VALUE)));
        // Removed: existence answers 0, the value poisons both halves of its 64-bit load.
        assertEquals(List.of(1L, 0L), values(fixup(local, target, pidType, "3", ENUMVAL_EXISTS)));
        CoreFixup gone = fixup(local, target, pidType, "3", ENUMVAL_VALUE);
        assertTrue(gone.poisoned());
        assertEquals("kprobe/test insn 0: relo #0 <enumval_value> [1] enum pid_type::PIDTYPE_GONE = 3: poisoned, not in"
                + " vmlinux [1] enum pid_type", gone.toString());
        assertArrayEquals(new long[] {CorePatch.POISON, CorePatch.POISON}, applied(gone, ldImm64(3)));
        assertEquals(movImm(3), applied(fixup(local, target, pidType, "2", ENUMVAL_VALUE), movImm(2))[0]);
    }

    @Test
    void flavoursOnTypesAndEnumeratorsAreIgnored() {
        assertEquals(List.of(3L, 4L), values(fixup(local, target, flavoured, "0", ENUMVAL_VALUE)));
    }

    @Test
    void anEnumMayBecomeAnEnum64() {
        CoreFixup big = fixup(local, target, wide, "0", ENUMVAL_VALUE);
        assertEquals(List.of(1L, 1L << 40), values(big));
        assertArrayEquals(ldImm64(1L << 40), applied(big, ldImm64(1)));
        fails("value 1099511627776 does not fit a 32-bit immediate", () -> applied(big, movImm(1)));
    }

    @Test
    void thirtyTwoBitValuesFollowTheEnumsSign() {
        // clang writes an unsigned value zero-extended; libbpf would expect it sign-extended and
        // refuse it (seen with libbpf 1.1 on enum init_ns_ino).
        CoreFixup high = fixup(local, target, ino, "0", ENUMVAL_VALUE);
        assertEquals(List.of(0xEFFFFFFFL, 0xEFFFFFF0L), values(high));
        assertArrayEquals(ldImm64(0xEFFFFFF0L), applied(high, ldImm64(0xEFFFFFFFL)));
        assertEquals(movImm(0xEFFFFFF0), applied(high, movImm(0xEFFFFFFF))[0]);
        // clang before 15 recorded -2 as unsigned 0xfffffffe but loads it sign-extended.
        CoreFixup negative = fixup(local, target, neg, "0", ENUMVAL_VALUE);
        assertArrayEquals(ldImm64(-3), applied(negative, ldImm64(-2)));
        assertArrayEquals(ldImm64(-3), applied(negative, ldImm64(0xFFFFFFFEL)));
        fails("64-bit immediate is 2, expected 4294967294", () -> applied(negative, ldImm64(2)));
    }

    @Test
    void anEnumWithoutTheTypeIsAbsent() {
        CoreTypesBuilder b = new CoreTypesBuilder();
        int other = b.enumeration("unknown_enum", 4, false, "X", 1);
        CoreFixup f = fixup(b.build(), target, other, "0", ENUMVAL_EXISTS);
        assertFalse(f.poisoned());
        assertEquals(0, f.targetValue());
        assertTrue(f.toString().endsWith("(no enum named unknown_enum in the target)"), f.toString());
    }
}
