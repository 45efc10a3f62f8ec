package io.bpfring.btf;

import io.bpfring.BtfException;

import io.bpfring.elf.ElfFile;
import io.bpfring.testing.Fixtures;
import io.bpfring.testing.Mutator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.bpfring.btf.CoreReloKind.ENUMVAL_VALUE;
import static io.bpfring.btf.CoreReloKind.FIELD_BYTE_OFFSET;
import static io.bpfring.btf.CoreReloKind.FIELD_BYTE_SIZE;
import static io.bpfring.btf.CoreReloKind.TYPE_EXISTS;
import static io.bpfring.btf.CoreReloKind.TYPE_MATCHES;
import static io.bpfring.btf.CoreReloKind.TYPE_SIZE;
import static io.bpfring.btf.CoreTesting.fails;
import static io.bpfring.btf.CoreTesting.fixup;
import static io.bpfring.btf.CoreTypesBuilder.bits;
import static io.bpfring.btf.CoreTypesBuilder.m;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Malformed relocations and hostile BTF: a {@link BtfException} that names the section,
 * instruction and relocation, never another exception, a loop or a stack overflow.
 */
class CoreHostileTest {
    private static final String WHERE = "kprobe/test insn 0: CO-RE relo #0 ";

    private final CoreTypesBuilder b = new CoreTypesBuilder();
    private final int i = b.integer("int", 4, true);
    private final int arr = b.array(i, 2);
    private final int s = b.struct("s", 12, m("a", i, 0), m("arr", arr, 32));
    private final int e = b.enumeration("e", 4, false, "E_A", 1);
    private final int anon = b.struct("", 4, m("a", i, 0));
    private final int loopA = b.typedef("loop_a", 7);
    private final int loopB = b.typedef("loop_b", loopA);   // id 7: a cycle of typedefs
    private final int wrap = b.struct("wrap", 4, m("x", loopB, 0));
    private final int ptrA = b.ptr(10);
    private final int ptrB = b.ptr(ptrA);                   // id 10: a cycle of pointers
    private final int ptrs = b.typedef("ptrs", ptrB);
    private final int structBits = b.struct("sb", 8, bits("f", s, 0, 3));
    private final Btf btf = b.build();

    private void bad(String expected, int type, String access, CoreReloKind kind) {
        fails(expected, () -> fixup(btf, btf, type, access, kind));
        fails(WHERE + "<" + kind.label() + "> type id " + Integer.toUnsignedString(type) + " access '" + access + "': ",
                () -> fixup(btf, btf, type, access, kind));
    }

    @Test
    void malformedAccessStrings() {
        assertTrue(loopB == 7 && ptrB == 10, "the cycles point where they should");
        bad("access string '' is empty or starts with ':'", s, "", FIELD_BYTE_OFFSET);
        bad("access string ':0' is empty or starts with ':'", s, ":0", FIELD_BYTE_OFFSET);
        for (String access : List.of("0:", "0::1", "a", "-1", "0:1 ", "0:+1", "1:2x")) {
            bad("access string '" + access + "' is not indexes separated by ':'", s, access, FIELD_BYTE_OFFSET);
        }
        bad("has an index out of range: 9999999999", s, "0:9999999999", FIELD_BYTE_OFFSET);
        bad("access deeper than 64 levels", s, "0" + ":0".repeat(64), FIELD_BYTE_OFFSET);
        bad("access string '1' of a type relocation is not \"0\"", s, "1", TYPE_SIZE);
        bad("access string '0:0' of a type relocation is not \"0\"", s, "0:0", TYPE_MATCHES);
    }

    @Test
    void indexesOutOfRange() {
        bad("index 1 (2) is past the 2 members of [3] struct s", s, "0:2", FIELD_BYTE_OFFSET);
        bad("index 2 (2) is past the 2 elements of the array", s, "0:1:2", FIELD_BYTE_OFFSET);
        bad("index 2 goes into [1] int int, which has no members or elements", s, "0:0:0", FIELD_BYTE_OFFSET);
        bad("is not one index below the 1 enumerators of [4] enum e", e, "1", ENUMVAL_VALUE);
        bad("is not one index below the 1 enumerators of [4] enum e", e, "0:0", ENUMVAL_VALUE);
        bad("enum value relocation on [3] struct s, not an enum", s, "0", ENUMVAL_VALUE);
        bad("index 2147483647 of elements of 12 bytes is more than 4 GiB", s, "2147483647:0", FIELD_BYTE_OFFSET);
        bad("type id 0 (VOID 'void') has no size", 0, "0", FIELD_BYTE_OFFSET);
    }

    @Test
    void typeIdsInstructionOffsetsAndAnonymousTypes() {
        fails(WHERE + "<type_exists> type id 4294967295 access '0': type id 4294967295 is past the last local type"
                        + " id 12",
                () -> fixup(btf, btf, -1, "0", TYPE_EXISTS));
        fails("is past the last local type id 12", () -> fixup(btf, btf, 13, "0", TYPE_EXISTS));
        fails("instruction offset 12 is not a multiple of 8", () -> new CoreRelocator(btf, TargetBtf.of(btf))
                .relocate("x", List.of(new BtfExt.CoreRelo(12, s, 0, "0", TYPE_EXISTS))));
        bad("relocations against anonymous types are not supported ([5] struct <anon>)", anon, "0", TYPE_EXISTS);
        bad("relocations against anonymous types are not supported ([0] void)", 0, "0", TYPE_EXISTS);
    }

    @Test
    void cyclesAndOddBitfields() {
        bad("the chain of types it refers to is a cycle", wrap, "0:0", FIELD_BYTE_OFFSET);
        bad("the chain of types it refers to is a cycle", loopA, "0", TYPE_SIZE);
        bad("is deeper than 32 levels (or a cycle)", ptrs, "0", TYPE_EXISTS);
        bad("is deeper than 32 levels (or a cycle)", ptrs, "0", TYPE_MATCHES);
        bad("bitfield of [3] struct s, not an int or enum", structBits, "0:0", FIELD_BYTE_SIZE);
    }

    @Test
    void anonymousMembersNestedTooDeep() {
        CoreTypesBuilder deep = new CoreTypesBuilder();
        int di = deep.integer("int", 4, true);
        int inner = deep.struct("", 4, m("x", di, 0));
        for (int level = 0; level < 70; level++) {
            inner = deep.struct("", 4, m("", inner, 0));
        }
        deep.struct("s", 4, m("", inner, 0));
        Btf target = deep.build();
        CoreTypesBuilder lb = new CoreTypesBuilder();
        int li = lb.integer("int", 4, true);
        int ls = lb.struct("s", 4, m("x", li, 0));
        fails("access deeper than 64 levels", () -> fixup(lb.build(), target, ls, "0:0", FIELD_BYTE_OFFSET));
    }

    /**
     * Relocations of core.bpf.o with random type ids, access strings and kinds, against the
     * kernel's BTF, relocated and applied: each succeeds or fails with a BtfException.
     */
    @Test
    void randomRelocationsAgainstTheKernel() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(Btf.KERNEL), "the kernel publishes no BTF");
        TargetBtf kernel = TargetBtf.kernel();
        ElfFile elf = ElfFile.read(Fixtures.object("core.bpf.o"));
        Btf local = Btf.parse(elf.section(".BTF").orElseThrow().data());
        String section = "tp/syscalls/sys_enter_getpgid";
        List<BtfExt.CoreRelo> relos = BtfExt.parse(elf.section(".BTF.ext").orElseThrow().data(), local).coreRelos()
                .get(section);
        long[] insns = elf.section(section).orElseThrow().data()
                .toArray(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
        Random random = new Random(Mutator.SEED);
        int failures = 0;
        int rounds = Math.max(1, Mutator.MUTANTS / 20);
        for (int round = 0; round < rounds; round++) {
            List<BtfExt.CoreRelo> mutated = new ArrayList<>();
            for (BtfExt.CoreRelo r : relos) {
                int type = random.nextInt(8) == 0 ? random.nextInt(local.typeCount() + 2) : r.typeId();
                String access = random.nextInt(8) == 0 ? randomAccess(random) : r.accessString();
                CoreReloKind kind = random.nextInt(8) == 0 ? CoreReloKind.of(random.nextInt(13)) : r.kind();
                int insn = random.nextInt(16) == 0 ? random.nextInt(insns.length + 2) * 8 : r.insnOffset();
                mutated.add(new BtfExt.CoreRelo(insn, type, 0, access, kind));
            }
            try {
                List<CoreFixup> fixups = new CoreRelocator(local, kernel).relocate(section, mutated);
                long[] copy = insns.clone();
                for (CoreFixup f : fixups) {
                    f.toString();
                    try {
                        f.apply(copy);
                    } catch (BtfException expected) {
                        failures++;
                    }
                }
            } catch (BtfException expected) {
                failures++;
            } catch (RuntimeException | StackOverflowError e) {
                fail("round " + round + ": " + e, e);
            }
        }
        assertTrue(failures > 0, "some mutants must be refused");
    }

    private static String randomAccess(Random random) {
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(5);
        for (int k = 0; k < n; k++) {
            s.append(k == 0 ? "" : ":").append(random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(200));
        }
        return s.toString();
    }
}
