package io.bpfring.btf;

import io.bpfring.elf.ElfFile;
import io.bpfring.testing.Fixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checked-in objects relocated against the running kernel's BTF, compared with libbpf.
 *
 * <p>The expected results are libbpf's, taken on this machine (Linux 6.18.44, x86-64) with
 * bpftool 7.1 (libbpf 1.1): {@code bpftool -d prog loadall testdata/X.bpf.o /sys/fs/bpf/x}
 * prints each CO-RE relocation as "relo #N: patched insn #I ... imm A -> B" or "substituting
 * insn #I w/ invalid insn"; each string below is "I kind B" or "I kind poison", in relocation
 * order (every section here holds one program starting at instruction 0, so libbpf's program
 * instruction numbers are section ones). They hold for this kernel build only: the test checks
 * that it runs on the vmlinux BTF they were taken from.
 */
class CoreKernelTest {
    /** Type count of the vmlinux BTF libbpf's results below were taken on. */
    private static final int LIBBPF_VMLINUX_TYPES = 126412;

    private static TargetBtf kernel;

    @BeforeAll
    static void readKernel() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(Btf.KERNEL), "the kernel publishes no BTF at " + Btf.KERNEL);
        kernel = TargetBtf.kernel();
    }

    private static void assumeLibbpfKernel() {
        Assumptions.assumeTrue(kernel.vmlinux().typeCount() == LIBBPF_VMLINUX_TYPES,
                "libbpf's numbers were taken on another kernel build (" + LIBBPF_VMLINUX_TYPES
                        + " BTF types, this one has "
                        + kernel.vmlinux().typeCount() + ")");
    }

    /** An object's relocations, relocated and applied section by section in file order. */
    record Relocated(Map<String, List<CoreFixup>> fixups, Map<String, long[]> before, Map<String, long[]> after,
                     Map<String, SortedMap<Integer, CoreFixup>> poisoned) {
    }

    static Relocated relocate(Path object, TargetBtf target) throws IOException {
        ElfFile elf = ElfFile.read(object);
        Btf btf = Btf.parse(elf.section(".BTF").orElseThrow().data());
        BtfExt ext = BtfExt.parse(elf.section(".BTF.ext").orElseThrow().data(), btf);
        CoreRelocator relocator = new CoreRelocator(btf, target);
        Relocated r = new Relocated(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(),
                new LinkedHashMap<>());
        for (var e : ext.coreRelos().entrySet()) {
            long[] insns = elf.section(e.getKey()).orElseThrow().data()
                    .toArray(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
            List<CoreFixup> fixups = relocator.relocate(e.getKey(), e.getValue());
            long[] patched = insns.clone();
            r.fixups.put(e.getKey(), fixups);
            r.before.put(e.getKey(), insns);
            r.poisoned.put(e.getKey(), CoreFixup.applyAll(fixups, patched));
            r.after.put(e.getKey(), patched);
        }
        return r;
    }

    /** "I kind value" as the libbpf lists below have it, read back from the patched instruction. */
    private static List<String> results(List<CoreFixup> fixups, long[] patched) {
        List<String> out = new ArrayList<>();
        for (CoreFixup f : fixups) {
            long insn = patched[f.insnIndex()];
            String value;
            if (insn == CorePatch.POISON) {
                value = "poison";
            } else {
                int cls = CorePatch.code(insn) & 7;
                value = switch (cls) {
                    case 0 -> Long.toString((CorePatch.imm(insn) & 0xffffffffL)
                            | (long) CorePatch.imm(patched[f.insnIndex() + 1]) << 32);
                    case 1, 2, 3 -> Integer.toString(CorePatch.off(insn));
                    default -> Integer.toString(CorePatch.imm(insn));
                };
                assertEquals(f.targetValue(), Long.parseLong(value), f.toString());
            }
            out.add(f.insnIndex() + " " + f.kind().label() + " " + value);
        }
        return out;
    }

    private static void matchesLibbpf(String object, Map<String, String> expected) throws IOException {
        Relocated r = relocate(Fixtures.object(object), kernel);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(r.fixups.keySet()), object + ": sections");
        expected.forEach((section, libbpf) -> assertEquals(Arrays.asList(libbpf.split(", ")),
                results(r.fixups.get(section), r.after.get(section)), object + " " + section));
    }

    @Test
    void coreMatchesLibbpf() throws IOException {
        assumeLibbpfKernel();
        matchesLibbpf("core.bpf.o", Map.of("tp/syscalls/sys_enter_getpgid", """
                20 byte_off 1268, 29 byte_off 1264, 38 byte_off 1280, 53 byte_off 1848, 56 enumval_value 2, \
                68 enumval_value 2, 76 byte_off 360, 88 byte_off 144, 96 enumval_value 3, 106 enumval_value 3, \
                116 byte_off 360, 126 byte_off 144, 134 byte_off 1848, 141 byte_off 8, 150 byte_off 44, \
                159 byte_off 108, 168 byte_off 112, 177 field_exists 0, 179 byte_off poison, 188 byte_off 24, \
                197 byte_off 1328, 205 byte_off 1552, 214 byte_off 1752, 228 byte_off 1752, 234 byte_sz 16, \
                236 field_exists 1, 238 field_exists 0, 240 type_exists 1, 242 type_exists 0, 244 enumval_exists 1, \
                247 enumval_exists 0, 250 enumval_value 2, 253 target_type_id 114, 256 local_type_id 12, \
                259 type_size 3264, 263 byte_off 1188, 268 byte_sz 4, 271 lshift_u64 63, 272 signed 0, \
                274 rshift_u64 63, 276 rshift_u64 63, 280 byte_off 1192, 284 byte_sz 4, 288 lshift_u64 60, \
                289 signed 0, 291 rshift_u64 63, 293 rshift_u64 63, 295 byte_off 1264"""));
    }

    @Test
    void coreDetails() throws IOException {
        assumeLibbpfKernel();
        Relocated r = relocate(Fixtures.object("core.bpf.o"), kernel);
        String section = "tp/syscalls/sys_enter_getpgid";
        List<CoreFixup> fixups = r.fixups.get(section);
        Map<Integer, CoreFixup> byInsn = new LinkedHashMap<>();
        fixups.forEach(f -> byInsn.put(f.insnIndex(), f));

        // The only poisoned instruction: task_struct___old.state, dead code behind field_exists.
        assertEquals(List.of(179), List.copyOf(r.poisoned.get(section).keySet()));
        CoreFixup poisoned = byInsn.get(179);
        assertTrue(poisoned.poisoned());
        assertEquals(section + " insn 179: relo #18 <byte_off> [341] struct task_struct___old.state (0:0 @ offset 0):"
                + " poisoned, not in vmlinux [114] struct task_struct", poisoned.toString());
        assertEquals(section + " insn 38: relo #2 <byte_off> [12] struct task_struct.real_parent (0:95 @ offset 1280):"
                + " 1280 -> 1280 (vmlinux [114] struct task_struct)", byInsn.get(38).toString());
        assertEquals(section + " insn 242: relo #28 <type_exists> [342] struct fixture_absent_type: 1 -> 0"
                + " (no struct named fixture_absent_type in the target)", byInsn.get(242).toString());
        assertEquals(section + " insn 88: relo #7 <byte_off> [334] struct pid.numbers[0].nr (0:8:0:0 @ offset 144):"
                + " 144 -> 144 (vmlinux [524] struct pid)", byInsn.get(88).toString());
        assertEquals(section + " insn 247: relo #30 <enumval_exists> [343] enum"
                + " pid_type___fixture::PIDTYPE_FIXTURE_ABSENT"
                + " = 100: 1 -> 0 (not in vmlinux [384] enum pid_type)", byInsn.get(247).toString());

        // Local values: the object's own ids and clang's numbers, which libbpf logs as "imm A".
        assertEquals(12, byInsn.get(253).localValue());
        assertEquals(114, byInsn.get(253).targetValue());
        assertEquals(12, byInsn.get(256).targetValue());
        // Bitfields: clang loads 1 byte, libbpf (and this) a whole 4-byte word, unvalidated.
        assertEquals(1, CorePatch.imm(r.before.get(section)[268]));
        assertEquals(4, byInsn.get(268).localValue());

        // A poisoned instruction is the call libbpf writes; nothing else changed but patched fields.
        assertEquals(CorePatch.word(0x85, 0, 0, 0, 0xbad2310), r.after.get(section)[179]);
        long[] before = r.before.get(section);
        long[] after = r.after.get(section);
        for (int i = 0; i < before.length; i++) {
            boolean secondHalf = i > 0 && byInsn.containsKey(i - 1) && CorePatch.code(before[i - 1]) == 0x18;
            if (!byInsn.containsKey(i) && !secondHalf) {
                assertEquals(before[i], after[i], "instruction " + i + " has no relocation");
            }
        }

        // Independently of the engine: task_struct.pid's offset in the kernel's own BTF.
        Btf vmlinux = kernel.vmlinux();
        BtfType.Struct task = (BtfType.Struct) vmlinux.type(vmlinux.find("task_struct", BtfKind.STRUCT).orElseThrow());
        assertEquals(1264 * 8, task.member("pid").orElseThrow().bitOffset());
        assertEquals(3264, task.size());
    }

    @Test
    void lifecycleMatchesLibbpf() throws IOException {
        assumeLibbpfKernel();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("tp/syscalls/sys_enter_execve",
                "56 byte_off 1280, 63 byte_off 1268, 82 byte_off 24, 92 byte_off 16");
        expected.put("tp/syscalls/sys_exit_execve", "10 byte_off 16");
        expected.put("tp/sched/sched_process_exit", "39 byte_off 1164, 80 byte_off 1280, 87 byte_off 1268, "
                + "110 byte_off 1552, 121 byte_off 1488, 130 byte_off 1496, 139 byte_off 1536, 148 byte_off 1544, "
                + "157 byte_off 1848, 164 byte_off 4, 173 byte_off 1168");
        // child_pid of the ___old flavour moves from 36 to 20; its child_comm[16] does not exist: poisoned.
        expected.put("tp/sched/sched_process_fork", "79 byte_off 1280, 86 byte_off 1268, 106 field_exists 1, "
                + "108 byte_off 20, 117 byte_off 16, 127 byte_off 20, 136 byte_off poison");
        expected.put("tp/syscalls/sys_enter_openat", "34 byte_off 16, 36 byte_off 24, 38 byte_off 32, 40 byte_off 40");
        expected.put("tp/syscalls/sys_exit_openat", "10 byte_off 16, 54 byte_off 1280, 61 byte_off 1268");
        expected.put("raw_tp/sched_wakeup", "0 byte_off 1268, 8 byte_off 1264");
        expected.put("raw_tp/sched_wakeup_new", "0 byte_off 1268, 8 byte_off 1264");
        expected.put("raw_tp/sched_switch", "2 field_exists 1, 4 byte_off 24, 14 byte_off poison, 23 byte_off 1268, "
                + "30 byte_off 1264, 58 byte_off 1264, 87 byte_off 1268, 122 byte_off 1328, 129 byte_off 1752");
        matchesLibbpf("lifecycle.bpf.o", expected);

        Relocated r = relocate(Fixtures.object("lifecycle.bpf.o"), kernel);
        CoreFixup moved = r.fixups.get("tp/sched/sched_process_fork").get(5);
        assertEquals(36, moved.localValue());
        assertEquals(20, moved.targetValue());
    }

    @Test
    void otherFixturesMatchLibbpf() throws IOException {
        assumeLibbpfKernel();
        Map<String, String> sections = new LinkedHashMap<>();
        sections.put("raw_tp/sys_enter", "0 byte_off 8");
        sections.put("raw_tracepoint/sys_exit", "0 byte_off 0, 1 byte_off 120");
        sections.put("tp_btf/sched_process_exec", "5 byte_off 1280, 6 byte_off 1268");
        sections.put("uretprobe/libc.so.6:getpid", "0 byte_off 80");
        sections.put("socket", "11 byte_off 0");
        sections.put("iter/task", "1 byte_off 8, 13 byte_off 1268, 17 byte_off 1752, 20 byte_off 1264, 25 byte_off 0, "
                + "26 byte_off 0");
        matchesLibbpf("sections.bpf.o", sections);
        matchesLibbpf("execsnoop_perfbuf.bpf.o", Map.of("tp/syscalls/sys_enter_execve", "17 byte_off 16"));
        matchesLibbpf("execsnoop_ringbuf_output.bpf.o", Map.of("tp/syscalls/sys_enter_execve", "17 byte_off 16"));
        matchesLibbpf("execsnoop_ringbuf_reserve.bpf.o", Map.of("tp/syscalls/sys_enter_execve", "26 byte_off 16"));
        matchesLibbpf("subprogs.bpf.o", Map.of("raw_tp/sys_enter", "0 byte_off 8"));
        matchesLibbpf("linked.bpf.o", Map.of("tp/syscalls/sys_enter_execve", "16 byte_off 16"));
        matchesLibbpf("unsupported.bpf.o", Map.of("ksyscall/getpgid", "4 byte_off 112, 5 byte_off 112"));
    }

    @Test
    void everyFixtureRelocatesOnThisKernel() throws IOException {
        // Whatever the kernel build: no errors, and only the guarded reads are poisoned.
        int relos = 0;
        for (Path object : Fixtures.objects()) {
            Relocated r = relocate(object, kernel);
            for (var e : r.fixups.entrySet()) {
                relos += e.getValue().size();
                for (CoreFixup poisoned : r.poisoned.get(e.getKey()).values()) {
                    assertTrue(poisoned.toString().contains("___"), "only flavours of old kernels fail: " + poisoned);
                }
            }
        }
        assertEquals(48 + 43 + 13 + 3 + 1 + 1 + 2, relos);
    }

    @Test
    void flavouredTypesOfTheKernelAreCandidates() {
        // vmlinux has struct nf_conn and struct nf_conn___init { struct nf_conn ct; }.
        Btf vmlinux = kernel.vmlinux();
        Assumptions.assumeTrue(vmlinux.find("nf_conn___init", BtfKind.STRUCT).isPresent(), "no nf_conn___init here");
        int nfConn = vmlinux.find("nf_conn", BtfKind.STRUCT).orElseThrow();
        int init = vmlinux.find("nf_conn___init", BtfKind.STRUCT).orElseThrow();
        assertEquals(List.of(nfConn, init),
                kernel.candidates(vmlinux, nfConn).stream().map(CoreCandidate::id).toList());
        assertEquals(List.of(nfConn, init), kernel.candidates(vmlinux, init).stream().map(CoreCandidate::id).toList());
        assertFalse(kernel.candidates(vmlinux, vmlinux.find("task_struct", BtfKind.STRUCT).orElseThrow()).isEmpty());
    }
}
