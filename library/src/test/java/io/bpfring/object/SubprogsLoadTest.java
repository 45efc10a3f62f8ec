package io.bpfring.object;

import io.bpfring.btf.BtfExt;
import io.bpfring.btf.TargetBtf;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static io.bpfring.object.ObjectTesting.open;
import static io.bpfring.object.ObjectTesting.u32;
import static io.bpfring.object.ObjectTesting.u64;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** subprogs.bpf.o: static and global subprograms, two programs in a section, a bpf_loop callback. */
class SubprogsLoadTest {
    @Test
    void everyProgramRunsWithItsSubprogramsAppended() throws IOException {
        Kernel.require();
        try (BpfObject o = open("subprogs.bpf.o").load()) {
            assertEquals(7, o.program("subprogs_syscall").testRun(MemorySegment.NULL));
            assertEquals(2, o.program("subprogs_xdp_pass").testRunData(new byte[64]), "XDP_PASS");
            assertEquals(1, o.program("subprogs_xdp_drop").testRunData(new byte[64]), "XDP_DROP");
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment args = arena.allocate(16, 8);
                args.set(JAVA_LONG, 8, 7);
                assertEquals(0, o.program("subprogs_raw_tp").testRun(args));
            }
            long[] expected = {55, 224, 285, 10, 65, 28};
            for (int slot = 0; slot < expected.length; slot++) {
                assertEquals(expected[slot], u64(o.map("results").lookup(u32(slot)).orElseThrow()),
                        "results[" + slot + "]");
            }
            assertEquals("subprogs_xdp_pa", o.program("subprogs_xdp_pass").name(), "the kernel's 15 characters");
        }
    }

    @Test
    void aPoisonedInstructionTheVerifierReachesIsExplained() throws IOException {
        Kernel.require();
        // Types without struct bpf_raw_tracepoint_args: CO-RE poisons the raw_tp program's ctx->args[1].
        TargetBtf target = TargetBtf.of(open("globals.bpf.o").btf().orElseThrow());
        ObjectSpec spec = open("subprogs.bpf.o");
        assertTrue(spec.program("subprogs_raw_tp").needsCore());
        assertFalse(spec.program("subprogs_syscall").needsCore());
        long fds = ObjectTesting.openFds();
        ObjectException e = assertThrows(ObjectException.class, () -> spec.load(LoadOptions.defaults()
                .withCoreTarget(target)));
        assertEquals(fds, ObjectTesting.openFds());
        assertTrue(e.getMessage().startsWith("program 'subprogs_raw_tp' (section 'raw_tp/sys_enter', 40 instructions)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("instruction 0 (raw_tp/sys_enter instruction 0) was poisoned by CO-RE,"
                + " since the kernel lacks what it reads: raw_tp/sys_enter insn 0: relo #0 <byte_off>"),
                e.getMessage());
        spec.program("subprogs_raw_tp").setAutoload(false);
        try (BpfObject o = spec.load(LoadOptions.defaults().withCoreTarget(target))) {
            assertEquals(7, o.program("subprogs_syscall").testRun(MemorySegment.NULL));
        }
    }

    @Test
    void linkingAppendsEachUsedSubprogramOnceAndPointsEveryCallAtIt() throws IOException {
        ObjectSpec spec = open("subprogs.bpf.o");
        LinkedProgram linked = Linker.link(spec.program("subprogs_syscall"));
        assertEquals(List.of("subprogs_syscall", "sum_to", "record", "mix_both_ways", "add_square", "mix"),
                linked.pieces().stream().map(f -> f.name).toList(), "never_called is left out");
        assertEquals(23 + 22 + 11 + 9 + 8 + 4, linked.insns().length);
        assertEquals(6, linked.funcInfos().size(), "one func_info per function");
        List<Integer> starts = linked.pieces().stream().map(linked.starts()::get).toList();
        assertEquals(starts, linked.funcInfos().stream().map(BtfExt.FuncInfo::insnIndex).toList());
        for (Function f : linked.pieces()) {
            int start = linked.starts().get(f);
            for (Reloc r : f.relocs) {
                int at = start + r.insn();
                Function target = r.callee();
                if (target != null) {
                    assertEquals((int) linked.starts().get(target), at + 1 + Insns.imm(linked.insns()[at]),
                            f.name + " instruction " + r.insn() + " reaches " + target.name);
                }
                if (r instanceof Reloc.FuncAddr) {
                    assertEquals(Insns.PSEUDO_FUNC, Insns.src(linked.insns()[at]), "the callback is BPF_PSEUDO_FUNC");
                }
            }
        }
        assertEquals(List.of("subprogs_xdp_drop", "mix", "record"),
                Linker.link(spec.program("subprogs_xdp_drop")).pieces().stream().map(f -> f.name).toList());
        assertEquals(List.of(), linked.dataRelocs().stream().filter(r -> !(r instanceof Reloc.MapFd)).toList());
        assertEquals(1, linked.dataRelocs().size(), "record's map, moved to where record landed");
        assertEquals(linked.starts().get(linked.pieces().get(2)) + 6, linked.dataRelocs().getFirst().insn());
    }
}
