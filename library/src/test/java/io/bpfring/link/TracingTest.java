package io.bpfring.link;

import io.bpfring.asm.Asm;
import io.bpfring.bpf.AsmLoader;
import io.bpfring.bpf.AttachType;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.asm.Helper;
import io.bpfring.bpf.ProgramType;
import io.bpfring.asm.Reg;
import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfKind;
import io.bpfring.btf.BtfType;
import io.bpfring.Errno;
import io.bpfring.SyscallException;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** tp_btf and iterators, which run here; fentry, fexit, fmod_ret and lsm, which this kernel refuses. */
class TracingTest {
    @BeforeEach
    void requireKernel() {
        Kernel.require();
    }

    /** The byte offset of {@code member} in the kernel's {@code struct name}, also inside anonymous unions. */
    private static int offset(String struct, String member) {
        Btf btf = KernelBtf.vmlinux();
        int offset = offset(btf, btf.find(struct, BtfKind.STRUCT).orElseThrow(), member);
        assertTrue(offset >= 0, "struct " + struct + " has no member " + member);
        return offset;
    }

    private static int offset(Btf btf, int type, String member) {
        if (!(btf.type(btf.resolve(type)) instanceof BtfType.Composite composite)) {
            return -1;
        }
        for (BtfType.Member m : composite.members()) {
            int inner = m.name().equals(member) ? 0 : m.name().isEmpty() ? offset(btf, m.type(), member) : -1;
            if (inner >= 0) {
                return m.bitOffset() / 8 + inner;
            }
        }
        return -1;
    }

    private static void spawn(int times) {
        try {
            for (int i = 0; i < times; i++) {
                new ProcessBuilder("/bin/true").start().waitFor();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void tpBtfReadsTypedArgumentsAndRunsUntilClosed() throws Exception {
        // sched_process_exec(struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm): count
        // the execs of this JVM's children, p->real_parent->tgid being this process.
        int id = Tracing.targetBtfId(AttachType.TRACE_RAW_TP, "sched_process_exec");
        assertEquals(KernelBtf.vmlinux().find("btf_trace_sched_process_exec", BtfKind.TYPEDEF).orElseThrow(), id);
        try (Counters counters = new Counters()) {
            Asm asm = new Asm().mov(Reg.R6, Reg.R1)
                    .load(Asm.Size.DW, Reg.R2, Reg.R1, 0)
                    .load(Asm.Size.DW, Reg.R2, Reg.R2, offset("task_struct", "real_parent"))
                    .load(Asm.Size.W, Reg.R2, Reg.R2, offset("task_struct", "tgid"))
                    .jumpIf(Reg.R2, Asm.Jump.NE, (int) Counters.SELF, "out");
            counters.increment(asm, 0).mov(Reg.R1, Reg.R6).call(Helper.GET_ATTACH_COOKIE);
            counters.store(asm, 1, Reg.R0).label("out").mov(Reg.R0, 0).exit();
            try (BpfProgram program = AsmLoader.load(ProgramType.TRACING, AttachType.TRACE_RAW_TP, id, "btf_exec", asm)) {
                Link link = Tracing.attach(program, AttachType.TRACE_RAW_TP, 99);
                assertEquals("tp_btf sched_process_exec", link.target());
                spawn(3);
                assertTrue(counters.get(0) >= 3, "execs of children counted: " + counters.get(0));
                assertEquals(99, counters.get(1), "the attach cookie");
                counters.assertDetachedOnClose(link, () -> spawn(2));
            }
        }
    }

    @Test
    void anIteratorWritesWhatItsProgramWritesForEveryTask() throws Exception {
        // For each task: bpf_seq_write(meta->seq, &task->tgid, 4).
        int id = Tracing.targetBtfId(AttachType.TRACE_ITER, "task");
        try (Counters counters = new Counters()) {
            Asm asm = new Asm().mov(Reg.R6, Reg.R1)
                    .load(Asm.Size.DW, Reg.R7, Reg.R6, offset("bpf_iter__task", "task"))
                    .jumpIf(Reg.R7, Asm.Jump.EQ, 0, "out")
                    .load(Asm.Size.W, Reg.R3, Reg.R7, offset("task_struct", "tgid"))
                    .store(Asm.Size.W, Reg.R10, -8, Reg.R3)
                    .load(Asm.Size.DW, Reg.R1, Reg.R6, offset("bpf_iter__task", "meta"))
                    .load(Asm.Size.DW, Reg.R1, Reg.R1, offset("bpf_iter_meta", "seq"))
                    .mov(Reg.R2, Reg.R10).alu64(Asm.Alu.ADD, Reg.R2, -8)
                    .mov(Reg.R3, 4)
                    .call(Helper.SEQ_WRITE);
            counters.increment(asm, 0).label("out").mov(Reg.R0, 0).exit();
            try (BpfProgram program = AsmLoader.load(ProgramType.TRACING, AttachType.TRACE_ITER, id, "iter_tgid", asm)) {
                Link iterator = Iter.attach(program);
                assertEquals("iterator task", iterator.target());
                Process child = new ProcessBuilder("sleep", "30").start();
                byte[] output;
                try {
                    output = Iter.read(iterator);
                } finally {
                    child.destroy();
                }
                assertEquals(0, output.length % 4);
                Set<Integer> tgids = new HashSet<>();
                ByteBuffer values = ByteBuffer.wrap(output).order(ByteOrder.nativeOrder());
                while (values.hasRemaining()) {
                    tgids.add(values.getInt());
                }
                assertTrue(tgids.contains((int) Counters.SELF), "this process among " + tgids.size() + " tgids");
                assertTrue(tgids.contains((int) child.pid()), "its child among " + tgids.size() + " tgids");
                assertEquals(output.length / 4, counters.get(0), "one run and one record per task");
                assertTrue(Iter.read(iterator).length > 0, "a second pass reads again");
                iterator.close();
                assertThrows(IllegalStateException.class, () -> Iter.read(iterator));
            }
        }
    }

    @Test
    void trampolineProgramsAreRefusedAtLoadWithTheReason() {
        // fentry, fexit, fmod_ret and lsm all run from BPF trampolines, which this kernel does not allow.
        record Case(ProgramType type, AttachType attach, String target, String kind) {
        }
        for (Case c : new Case[] {
                new Case(ProgramType.TRACING, AttachType.TRACE_FENTRY, "do_nanosleep", "fentry"),
                new Case(ProgramType.TRACING, AttachType.TRACE_FEXIT, "do_nanosleep", "fexit"),
                new Case(ProgramType.TRACING, AttachType.MODIFY_RETURN, "security_task_getsid", "fmod_ret"),
                new Case(ProgramType.LSM, AttachType.LSM_MAC, "task_getsid", "lsm")}) {
            int id = Tracing.targetBtfId(c.attach(), c.target());
            try (BpfProgram program = AsmLoader.load(c.type(), c.attach(), id, "tramp", new Asm().mov(Reg.R0, 0).exit())) {
                // A kernel that runs trampolines: they attach and detach like any other.
                Tracing.attach(program, c.attach()).close();
            } catch (SyscallException e) {
                assertEquals(Errno.EPERM, e.errno(), e.getMessage());
                assertEquals("bpf(BPF_PROG_LOAD 'tramp') failed: EPERM: this kernel refuses " + c.kind() + " programs"
                        + " even to a process with CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN: it does not let BPF"
                        + " trampolines (fentry, fexit, fmod_ret, lsm) attach to its functions, as a locked-down or"
                        + " sandboxed kernel may not; trace with tp_btf, a raw tracepoint or a tracepoint instead",
                        e.getMessage());
            }
        }
    }

    @Test
    void targetsTheKernelLacksAndWrongAttachTypesAreClearErrors() {
        IllegalArgumentException tp = assertThrows(IllegalArgumentException.class,
                () -> Tracing.targetBtfId(AttachType.TRACE_RAW_TP, "sched/sched_switch"));
        assertEquals("the kernel's BTF has no TYPEDEF 'btf_trace_sched/sched_switch': there is no tracepoint"
                + " sched/sched_switch (tp_btf names it without its category)", tp.getMessage());
        IllegalArgumentException function = assertThrows(IllegalArgumentException.class,
                () -> Tracing.targetBtfId(AttachType.TRACE_FENTRY, "no_such_kernel_function"));
        assertTrue(function.getMessage().endsWith("there is no such kernel function (or it is inlined)"),
                function.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tracing.targetBtfId(AttachType.XDP, "x"));
        assertThrows(IllegalArgumentException.class, () -> Tracing.targetBtfId(AttachType.TRACE_FENTRY, "mod:func"));
        int id = Tracing.targetBtfId(AttachType.TRACE_RAW_TP, "sched_process_exec");
        try (BpfProgram program = AsmLoader.load(ProgramType.TRACING, AttachType.TRACE_RAW_TP, id, "tp_btf",
                new Asm().mov(Reg.R0, 0).exit())) {
            IllegalArgumentException iter = assertThrows(IllegalArgumentException.class,
                    () -> Tracing.attach(program, AttachType.TRACE_ITER));
            assertTrue(iter.getMessage().endsWith("iterators attach with Iter.attach"), iter.getMessage());
            AttachException other = assertThrows(AttachException.class,
                    () -> Tracing.attach(program, AttachType.TRACE_FENTRY));
            assertEquals(Errno.EINVAL, other.errno());
            assertEquals("bpf(BPF_LINK_CREATE TRACE_FENTRY) of program 'tp_btf' to fentry btf_trace_sched_process_exec"
                    + " failed: EINVAL: the kernel refused the attach: TRACE_FENTRY must be the attach type the program"
                    + " was loaded with", other.getMessage());
        }
    }
}
