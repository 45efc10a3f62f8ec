package io.bpfring.link;

import io.bpfring.asm.Asm;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.asm.Helper;
import io.bpfring.bpf.ProgramType;
import io.bpfring.asm.Reg;
import io.bpfring.bpf.Tracepoint;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TracepointsTest {
    @BeforeEach
    void requireKernel() {
        Kernel.require();
    }

    @Test
    void runsOnEveryHitUntilClosedAndSeesItsCookie() throws Exception {
        try (Counters counters = new Counters()) {
            Asm asm = new Asm().mov(Reg.R6, Reg.R1);
            Counters.unlessSelf(asm, "out");
            counters.increment(asm, 0).mov(Reg.R1, Reg.R6).call(Helper.GET_ATTACH_COOKIE);
            counters.store(asm, 1, Reg.R0).label("out").mov(Reg.R0, 0).exit();
            try (BpfProgram program = BpfProgram.load(ProgramType.TRACEPOINT, "tp_getppid", asm)) {
                Link link = Tracepoints.attach(program, Tracepoint.of("syscalls", "sys_enter_getppid"), 0xc00c1e);
                assertEquals("tracepoint syscalls/sys_enter_getppid", link.target());
                assertEquals("tp_getppid", link.program());
                assertTrue(link.fd() > 0);
                Libc.getppid(5);
                assertTrue(counters.get(0) >= 5, "getppid calls counted: " + counters.get(0));
                assertEquals(0xc00c1e, counters.get(1), "the attach cookie");
                counters.assertDetachedOnClose(link, () -> Libc.getppid(5));
                assertTrue(link.isClosed());
                assertThrows(IllegalStateException.class, link::fd);
                link.close(); // a second close does nothing
            }
        }
    }

    @Test
    void tracepointAttachDelegatesHere() throws Exception {
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.TRACEPOINT, "tp_exit", counters.counting(true, 0))) {
            Link link = Tracepoint.of("syscalls", "sys_exit_getppid").attach(program);
            Libc.getppid(3);
            assertTrue(counters.get(0) >= 3, "getppid returns counted: " + counters.get(0));
            counters.assertDetachedOnClose(link, () -> Libc.getppid(3));
        }
    }

    @Test
    void aProgramOfAnotherTypeOrAMissingTracepointIsAClearError() {
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.RAW_TRACEPOINT, "raw", counters.counting(false, 0))) {
            IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                    () -> Tracepoints.attach(program, "syscalls", "sys_enter_getppid"));
            assertEquals("program 'raw' cannot attach to tracepoint syscalls/sys_enter_getppid: it is a"
                    + " RAW_TRACEPOINT program, and tracepoint syscalls/sys_enter_getppid runs TRACEPOINT programs",
                    type.getMessage());
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> Tracepoints.attach(program, "syscalls", "sys_enter_no_such_call"));
            assertTrue(missing.getMessage().startsWith("no tracepoint syscalls/sys_enter_no_such_call"),
                    missing.getMessage());
        }
    }
}
