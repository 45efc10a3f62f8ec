package io.bpfring.btf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.bpfring.btf.CoreFieldTest.values;
import static io.bpfring.btf.CoreReloKind.FIELD_BYTE_OFFSET;
import static io.bpfring.btf.CoreReloKind.TYPE_EXISTS;
import static io.bpfring.btf.CoreReloKind.TYPE_ID_TARGET;
import static io.bpfring.btf.CoreReloKind.TYPE_SIZE;
import static io.bpfring.btf.CoreTesting.fails;
import static io.bpfring.btf.CoreTesting.fixup;
import static io.bpfring.btf.CoreTesting.relo;
import static io.bpfring.btf.CoreTypesBuilder.m;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which target types stand for a local type, what happens when several do, and modules. */
class CoreCandidatesTest {
    private final CoreTypesBuilder lb = new CoreTypesBuilder();
    private final int li = lb.integer("int", 4, true);
    private final int task = lb.struct("task", 12, m("pid", li, 0), m("tgid", li, 32),
            m("gone", li, 64));
    private final Btf local = lb.build();

    @Test
    void essentialNames() {
        assertEquals("task_struct", CoreNames.essential("task_struct___old"));
        assertEquals("a___b", CoreNames.essential("a___b___c"));   // only the last flavour goes
        assertEquals("____fput", CoreNames.essential("____fput"));  // no X before the underscores
        assertEquals("a____b", CoreNames.essential("a____b"));      // four underscores are no separator
        assertEquals("x___", CoreNames.essential("x___"));          // no Y after them
        assertEquals("x", CoreNames.essential("x___1"));
        assertTrue(CoreNames.sameEssential("nf_conn___init", "nf_conn___2"));
    }

    @Test
    void flavouredTargetTypesAreCandidatesAndDoubleFlavoursAreNot() {
        CoreTypesBuilder tb = new CoreTypesBuilder();
        int ti = tb.integer("int", 4, true);
        int flavoured = tb.struct("task___2", 8, m("pid", ti, 32));
        tb.union("task", 4, m("pid", ti, 0));   // another kind: no candidate
        tb.struct("task_struct", 4, m("pid", ti, 0));
        Btf t = tb.build();
        assertEquals(List.of(flavoured),
                TargetBtf.of(t).candidates(local, task).stream().map(CoreCandidate::id).toList());
        assertEquals(List.of(0L, 4L), values(fixup(local, t, task, "0:0", FIELD_BYTE_OFFSET)));

        CoreTypesBuilder lb2 = new CoreTypesBuilder();
        int twice = lb2.struct("a___b___c", 4);
        Btf l2 = lb2.build();
        CoreTypesBuilder tb2 = new CoreTypesBuilder();
        tb2.struct("a___b", 4);                 // essential name "a": not a candidate for "a___b"
        int good = tb2.struct("a___b___d", 4);  // essential name "a___b"
        assertEquals(List.of(good), TargetBtf.of(tb2.build()).candidates(l2, twice).stream().map(CoreCandidate::id)
                .toList());
    }

    /** vmlinux with struct task and its duplicate task___2; {@code pidAt} places pid in the duplicate. */
    private static Btf twoTasks(int pidAt, int size) {
        CoreTypesBuilder tb = new CoreTypesBuilder();
        int ti = tb.integer("int", 4, true);
        tb.struct("task", 16, m("pid", ti, 64), m("tgid", ti, 96));
        tb.struct("task___2", size, m("pid", ti, pidAt));
        return tb.build();
    }

    @Test
    void candidatesThatDisagreeAreAnError() {
        fails("kprobe/test insn 0: CO-RE relo #0 <byte_off> type id 2 access '0:0': field offset ambiguity: vmlinux [2]"
                        + " struct task has it at bit 64, vmlinux [3] struct task___2 at bit 0",
                () -> fixup(local, twoTasks(0, 16), task, "0:0", FIELD_BYTE_OFFSET));
        fails("relocation decision ambiguity: vmlinux [2] struct task gives 16, vmlinux [3] struct task___2 gives 24",
                () -> fixup(local, twoTasks(64, 24), task, "0", TYPE_SIZE));
        // Type ids always differ.
        fails("relocation decision ambiguity: vmlinux [2] struct task gives 2, vmlinux [3] struct task___2 gives 3",
                () -> fixup(local, twoTasks(64, 16), task, "0", TYPE_ID_TARGET));
        // Candidates that agree are fine.
        CoreFixup agree = fixup(local, twoTasks(64, 16), task, "0:0", FIELD_BYTE_OFFSET);
        assertEquals(List.of(0L, 8L), values(agree));
        assertTrue(agree.toString().endsWith("(vmlinux [2] struct task and 1 more)"), agree.toString());
    }

    @Test
    void aMatchNarrowsTheCandidatesForLaterRelocations() {
        // tgid exists only in struct task: once it matched there, task___2 is no longer a candidate
        // and the size is no longer ambiguous (libbpf keeps the candidates that matched).
        Btf target = twoTasks(64, 24);
        List<CoreFixup> fixups = new CoreRelocator(local, TargetBtf.of(target)).relocate("s", List.of(
                relo(0, task, "0:1", FIELD_BYTE_OFFSET), relo(1, task, "0", TYPE_SIZE)));
        assertEquals(List.of(4L, 12L), values(fixups.get(0)));
        assertEquals(List.of(12L, 16L), values(fixups.get(1)));
        // The other order is ambiguous.
        fails("relocation decision ambiguity", () -> new CoreRelocator(local, TargetBtf.of(target)).relocate("s",
                List.of(relo(1, task, "0", TYPE_SIZE), relo(0, task, "0:1", FIELD_BYTE_OFFSET))));
        // A relocation that matches none leaves them as they were.
        CoreRelocator relocator = new CoreRelocator(local, TargetBtf.of(twoTasks(64, 16)));
        assertEquals(0, relocator.relocate("s", List.of(relo(0, task, "0:2", CoreReloKind.FIELD_EXISTS))).getFirst()
                .targetValue());
        fails("relocation decision ambiguity",
                () -> relocator.relocate("s", List.of(relo(1, task, "0", TYPE_ID_TARGET))));
    }

    /** A module's split BTF with struct mod_dev, on top of {@code vmlinux}. */
    private static byte[] module(Btf vmlinux) {
        CoreTypesBuilder mb = CoreTypesBuilder.split(vmlinux);
        int mi = vmlinux.find("int", BtfKind.INT).orElseThrow();
        mb.struct("mod_dev", 8, m("id", mi, 32));
        mb.struct("task", 4, m("pid", mi, 0)); // never looked at: vmlinux has a task
        return mb.bytes();
    }

    @Test
    void typesOnlyAModuleHasAreFoundInIt(@TempDir Path dir) throws IOException {
        CoreTypesBuilder vb = new CoreTypesBuilder();
        int vi = vb.integer("int", 4, true);
        vb.struct("task", 16, m("pid", vi, 64));
        Btf vmlinux = vb.build();
        Files.write(dir.resolve("vmlinux"), new byte[] {1, 2, 3}); // skipped: it is the base
        Files.write(dir.resolve("mod_a"), module(vmlinux));
        TargetBtf target = TargetBtf.withModuleDirectory(vmlinux, dir);

        CoreTypesBuilder lb2 = new CoreTypesBuilder();
        int l2i = lb2.integer("int", 4, true);
        int dev = lb2.struct("mod_dev", 4, m("id", l2i, 0));
        int ltask = lb2.struct("task", 4, m("pid", l2i, 0));
        Btf l2 = lb2.build();

        CoreFixup inModule = fixup(l2, target, dev, "0:0", FIELD_BYTE_OFFSET);
        assertEquals(List.of(0L, 4L), values(inModule));
        assertTrue(inModule.toString().endsWith("(mod_a [3] struct mod_dev)"), inModule.toString());
        assertEquals(3, fixup(l2, target, dev, "0", TYPE_ID_TARGET).targetValue()); // the module's own id
        // vmlinux has a task: the module's is not a candidate.
        assertEquals(List.of(0L, 8L), values(fixup(l2, target, ltask, "0:0", FIELD_BYTE_OFFSET)));
        assertEquals(List.of("mod_a"), List.copyOf(target.modules().keySet()));
    }

    @Test
    void modulesAreReadOnlyWhenVmlinuxHasNoCandidate(@TempDir Path dir) throws IOException {
        CoreTypesBuilder vb = new CoreTypesBuilder();
        int vi = vb.integer("int", 4, true);
        vb.struct("task", 16, m("pid", vi, 64));
        Btf vmlinux = vb.build();
        Files.write(dir.resolve("broken"), new byte[] {1, 2, 3});
        TargetBtf target = TargetBtf.withModuleDirectory(vmlinux, dir);
        assertEquals(List.of(0L, 8L), values(fixup(local, target, task, "0:0", FIELD_BYTE_OFFSET)));
        CoreTypesBuilder lb2 = new CoreTypesBuilder();
        int absent = lb2.struct("absent", 4);
        fails("broken", () -> fixup(lb2.build(), target, absent, "0", TYPE_EXISTS));
    }
}
