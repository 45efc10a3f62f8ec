package io.bpfring.object;

import io.bpfring.bpf.AttachType;
import io.bpfring.bpf.ProgramType;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SectionDefTest {
    private static SectionDef.Match match(String section) {
        return SectionDef.match(section).orElseThrow(() -> new AssertionError("no match for " + section));
    }

    @Test
    void plusPatternsMatchTheBareNameOrANameWithASlash() {
        assertEquals(new SectionDef.Match(match("tp").def(), ""), match("tp"));
        assertEquals("syscalls/sys_enter_execve", match("tp/syscalls/sys_enter_execve").target());
        assertEquals("tp+", match("tp/syscalls/sys_enter_execve").def().pattern());
        assertEquals("tp_btf+", match("tp_btf/sched_process_exec").def().pattern(), "not tp+: '_' is no separator");
        assertEquals(Optional.empty(), SectionDef.match("tpx"));
        assertEquals(Optional.empty(), SectionDef.match("kprobex/do_exit"));
    }

    @Test
    void exactPatternsMatchOnlyThemselves() {
        assertEquals("xdp", match("xdp").def().pattern());
        assertEquals("xdp.frags", match("xdp.frags").def().pattern());
        assertEquals(Optional.empty(), SectionDef.match("xdp/foo"));
        assertEquals(Optional.empty(), SectionDef.match("syscall/x"));
        assertEquals(AttachType.TCX_INGRESS, match("tcx/ingress").def().expectedAttachType());
        assertEquals(Optional.empty(), SectionDef.match("tcx/sideways"));
        assertEquals(AttachType.CGROUP_INET_EGRESS, match("cgroup_skb/egress").def().expectedAttachType());
    }

    @Test
    void familiesLoadAsLibbpfLoadsThem() {
        assertEquals(ProgramType.RAW_TRACEPOINT, match("raw_tp/sched_switch").def().type());
        assertEquals(ProgramType.RAW_TRACEPOINT, match("raw_tracepoint/sched_switch").def().type());
        assertEquals(ProgramType.TRACEPOINT, match("tracepoint/sched/sched_switch").def().type());
        SectionDef btf = match("tp_btf/sched_switch").def();
        assertEquals(ProgramType.TRACING, btf.type());
        assertEquals(AttachType.TRACE_RAW_TP, btf.expectedAttachType());
        assertTrue(btf.attachBtf());
        assertEquals(AttachKind.UPROBE, match("uprobe/libc.so.6:getpid").def().attachKind());
        assertEquals(AttachKind.URETPROBE, match("uretprobe/libc.so.6:getpid").def().attachKind());
        assertTrue(match("uprobe.s/libc.so.6:getpid").def().sleepable());
        assertEquals(SectionDef.F_SLEEPABLE, match("uprobe.s/libc.so.6:getpid").def().loadFlags());
        assertEquals(AttachKind.KPROBE, match("kprobe/do_nanosleep").def().attachKind());
        assertEquals(AttachKind.KRETPROBE, match("kretprobe/do_nanosleep").def().attachKind());
        assertEquals(AttachKind.KSYSCALL, match("ksyscall/getpgid").def().attachKind());
        assertEquals(AttachType.TRACE_FENTRY, match("fentry/do_nanosleep").def().expectedAttachType());
        assertEquals(AttachType.TRACE_FEXIT, match("fexit/do_nanosleep").def().expectedAttachType());
        assertEquals(AttachType.MODIFY_RETURN, match("fmod_ret/security_task_getsid").def().expectedAttachType());
        assertEquals(AttachType.LSM_MAC, match("lsm/task_alloc").def().expectedAttachType());
        assertEquals(ProgramType.LSM, match("lsm/task_alloc").def().type());
        assertEquals(AttachType.TRACE_ITER, match("iter/task").def().expectedAttachType());
        assertEquals(ProgramType.PERF_EVENT, match("perf_event").def().type());
        assertEquals(ProgramType.SOCKET_FILTER, match("socket").def().type());
        assertEquals(ProgramType.SCHED_CLS, match("tc").def().type());
        assertEquals(SectionDef.F_XDP_HAS_FRAGS, match("xdp.frags").def().loadFlags());
        SectionDef syscall = match("syscall").def();
        assertEquals(ProgramType.SYSCALL, syscall.type());
        assertEquals(SectionDef.F_SLEEPABLE, syscall.loadFlags());
        assertEquals(AttachKind.MANUAL, syscall.attachKind());
    }

    @Test
    void theNumbersAreLinux618s() {
        // include/uapi/linux/bpf.h: BPF_F_SLEEPABLE (1U << 4), BPF_F_XDP_HAS_FRAGS (1U << 5).
        assertEquals(16, SectionDef.F_SLEEPABLE);
        assertEquals(32, SectionDef.F_XDP_HAS_FRAGS);
        assertEquals(46, match("tcx/ingress").def().expectedAttachType().id());
        assertEquals(47, match("tcx/egress").def().expectedAttachType().id());
        assertEquals(31, match("syscall").def().type().id());
        for (SectionDef def : SectionDef.all()) {
            assertTrue(def.type().isKnown(), def.pattern());
            assertTrue(def.expectedAttachType() == null || def.expectedAttachType().isKnown(), def.pattern());
            assertFalse(def.pattern().isEmpty());
        }
    }
}
