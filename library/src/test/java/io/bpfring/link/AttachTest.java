package io.bpfring.link;

import io.bpfring.asm.Asm;
import io.bpfring.bpf.AsmLoader;
import io.bpfring.bpf.AttachType;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.ProgramType;
import io.bpfring.asm.Reg;
import io.bpfring.Errno;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Attaching by section name, as a loader does: the families that name their target, and the rest. */
class AttachTest {
    @BeforeEach
    void requireKernel() {
        Kernel.require();
    }

    /** Loads a counting program, attaches it by {@code section}, runs {@code trigger}, and checks it counted and detaches. */
    private static void attachesAndCounts(ProgramType type, String section, String target, Runnable trigger)
            throws Exception {
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(type, "auto", counters.counting(true, 0))) {
            assertTrue(Attach.isAuto(section), section);
            Link link = Attach.auto(program, null, section);
            assertTrue(link.target().matches(target), section + " -> " + link.target());
            trigger.run();
            assertTrue(counters.get(0) >= 1, section + " counted " + counters.get(0));
            counters.assertDetachedOnClose(link, trigger);
        }
    }

    @Test
    void tracepointsRawTracepointsAndProbesAttachByTheirSection() throws Exception {
        attachesAndCounts(ProgramType.TRACEPOINT, "tp/syscalls/sys_enter_getppid",
                "tracepoint syscalls/sys_enter_getppid", () -> Libc.getppid(3));
        attachesAndCounts(ProgramType.TRACEPOINT, "?tracepoint/syscalls/sys_exit_getppid",
                "tracepoint syscalls/sys_exit_getppid", () -> Libc.getppid(3));
        attachesAndCounts(ProgramType.RAW_TRACEPOINT, "raw_tp/sys_enter", "raw tracepoint sys_enter",
                () -> Libc.getppid(3));
        attachesAndCounts(ProgramType.KPROBE, "uprobe/libc.so.6:getpid", "uprobe /.*libc\\.so\\.6:getpid .*",
                Libc::getpid);
        attachesAndCounts(ProgramType.KPROBE, "uretprobe.s/libc.so.6:getpid", "uretprobe /.*libc\\.so\\.6:getpid .*",
                Libc::getpid);
    }

    @Test
    void btfProgramsAndIteratorsAttachWithTheirLoadTimeTarget() throws Exception {
        int exec = Tracing.targetBtfId(AttachType.TRACE_RAW_TP, "sched_process_exec");
        try (BpfProgram program = AsmLoader.load(ProgramType.TRACING, AttachType.TRACE_RAW_TP, exec, "auto_btf",
                new Asm().mov(Reg.R0, 0).exit());
             Link link = Attach.auto(program, AttachType.TRACE_RAW_TP, "tp_btf/sched_process_exec")) {
            assertEquals("tp_btf sched_process_exec", link.target());
        }
        int task = Tracing.targetBtfId(AttachType.TRACE_ITER, "task");
        try (BpfProgram program = AsmLoader.load(ProgramType.TRACING, AttachType.TRACE_ITER, task, "auto_iter",
                new Asm().mov(Reg.R0, 0).exit());
             Link link = Attach.auto(program, AttachType.TRACE_ITER, "iter/task")) {
            assertEquals("iterator task", link.target());
            assertEquals(0, Iter.read(link).length, "the program writes nothing");
        }
    }

    /** Kprobe sections attach, or, on a kernel without kprobes (like the one this was written on), say so. */
    @Test
    void kprobeSectionsAttachOrSayTheKernelLacksThem() {
        boolean hasKprobes = Files.exists(Path.of("/sys/bus/event_source/devices/kprobe"));
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.KPROBE, "auto_kp", counters.counting(false, 0))) {
            for (String section : new String[] {"kprobe/do_nanosleep", "kretprobe/do_nanosleep", "ksyscall/getpgid",
                    "kretsyscall/getpgid"}) {
                if (hasKprobes) {
                    Attach.auto(program, null, section).close();
                    continue;
                }
                AttachException e = assertThrows(AttachException.class, () -> Attach.auto(program, null, section));
                assertEquals(Errno.EOPNOTSUPP, e.errno());
                assertTrue(e.getMessage().contains("kprobes are not built into this kernel (CONFIG_KPROBES is off)"),
                        e.getMessage());
            }
        }
    }

    @Test
    void sectionsWithoutATargetSayHowToAttach() {
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.KPROBE, "manual", counters.counting(false, 0))) {
            String[][] cases = {
                    {"uprobe", "program 'manual' in section 'uprobe' names no target: write"
                            + " SEC(\"uprobe/<binary>:<function>[+<offset>]\"), or attach it with"
                            + " Uprobe.of(binary, function).attach(program)"},
                    {"tp/syscalls", "names no target: write SEC(\"tp/<category>/<name>\")"},
                    {"raw_tp", "names no target: write SEC(\"raw_tp/<tracepoint>\")"},
                    {"xdp", "does not attach by itself: attach it to an interface with Xdp.attach(program,"
                            + " interfaceName)"},
                    {"xdp.frags", "Xdp.attach"},
                    {"tc", "Tcx.ingress(program, interfaceName)"},
                    {"tcx/egress", "Tcx.ingress(program, interfaceName)"},
                    {"cgroup_skb/ingress", "Cgroups.attach(program, directory, attachType)"},
                    {"cgroup/connect4", "Cgroups.attach"},
                    {"socket", "SocketFilter.attach(program, socketFd)"},
                    {"perf_event", "PerfEvents.attach(program, event, sampling)"},
                    {"syscall", "syscall programs attach to nothing: run them with BpfProgram.testRun"},
                    {"usdt/libc.so.6:libc:setjmp", "USDT probes are not supported"},
                    {"uprobe.multi/libc.so.6:get*", "multi-uprobe links are not supported"},
                    {"sk_msg", "its family 'sk_msg' has no attach step in bpfring"}};
            for (String[] c : cases) {
                assertFalse(Attach.isAuto(c[0]), c[0]);
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Attach.auto(program, null, c[0]), c[0]);
                assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
                assertTrue(e.getMessage().startsWith("program 'manual' in section '" + c[0] + "'"), e.getMessage());
            }
        }
    }
}
