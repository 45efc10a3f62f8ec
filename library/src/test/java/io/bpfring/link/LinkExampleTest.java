package io.bpfring.link;

import io.bpfring.asm.Asm;
import io.bpfring.asm.Reg;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.DropCounter;
import io.bpfring.bpf.ProgramType;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example of the package's documentation, compiled and run. */
class LinkExampleTest {
    @Test
    void aProgramAttachedToATracepointRunsOnEveryHit() throws Exception {
        Kernel.require();
        // @start region=attach
        try (DropCounter execs = new DropCounter("execs");
             BpfProgram program = BpfProgram.load(ProgramType.TRACEPOINT, "count_execs",
                     execs.increment(new Asm()).mov(Reg.R0, 0).exit());
             Link link = Tracepoints.attach(program, "syscalls", "sys_enter_execve")) {
            new ProcessBuilder("true").start().waitFor();        // an execve: the program runs
            long seen = execs.count();                           // 1 or more: every process's execs count
            // @end
            assertTrue(seen >= 1, "execve calls counted: " + seen);
            assertEquals("tracepoint syscalls/sys_enter_execve", link.target());
        }
    }
}
