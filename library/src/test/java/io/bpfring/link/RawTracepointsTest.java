package io.bpfring.link;

import io.bpfring.asm.Asm;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.asm.Helper;
import io.bpfring.bpf.ProgramType;
import io.bpfring.asm.Reg;
import io.bpfring.Errno;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RawTracepointsTest {
    @BeforeEach
    void requireKernel() {
        Kernel.require();
    }

    /** Counts this process's getppid calls in slot 0 ({@code args[1]} of sys_enter is the call's number), the cookie in slot 1. */
    private static Asm countGetppid(Counters counters) {
        Asm asm = new Asm().mov(Reg.R6, Reg.R1)
                .load(Asm.Size.DW, Reg.R7, Reg.R1, 8)
                .jumpIf(Reg.R7, Asm.Jump.NE, Libc.GETPPID_NR, "out");
        Counters.unlessSelf(asm, "out");
        counters.increment(asm, 0).mov(Reg.R1, Reg.R6).call(Helper.GET_ATTACH_COOKIE);
        return counters.store(asm, 1, Reg.R0).label("out").mov(Reg.R0, 0).exit();
    }

    @Test
    void runsOnEveryHitUntilClosedAndSeesItsCookie() throws Exception {
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.RAW_TRACEPOINT, "raw_enter", countGetppid(counters))) {
            Link link = RawTracepoints.attach(program, "sys_enter", 77);
            assertEquals("raw tracepoint sys_enter", link.target());
            Libc.getppid(5);
            assertTrue(counters.get(0) >= 5, "getppid calls counted: " + counters.get(0));
            assertEquals(77, counters.get(1), "the attach cookie");
            counters.assertDetachedOnClose(link, () -> Libc.getppid(5));
        }
    }

    @Test
    void aMissingTracepointSaysHowRawTracepointsAreNamed() {
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.RAW_TRACEPOINT, "raw", counters.counting(false, 0))) {
            AttachException missing = assertThrows(AttachException.class,
                    () -> RawTracepoints.attach(program, "no_such_tracepoint"));
            assertEquals(Errno.ENOENT, missing.errno());
            assertEquals("bpf(BPF_RAW_TRACEPOINT_OPEN) of program 'raw' to raw tracepoint no_such_tracepoint failed:"
                    + " ENOENT: the kernel has no raw tracepoint 'no_such_tracepoint': use the tracepoint's name"
                    + " without its category (events/<category>/<name> in tracefs)", missing.getMessage());
            IllegalArgumentException category = assertThrows(IllegalArgumentException.class,
                    () -> RawTracepoints.attach(program, "sched/sched_switch"));
            assertTrue(category.getMessage().contains("without its category"), category.getMessage());
        }
    }
}
