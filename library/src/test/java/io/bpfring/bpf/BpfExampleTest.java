package io.bpfring.bpf;

import io.bpfring.asm.Asm;
import io.bpfring.asm.Reg;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The example of the package's documentation, compiled and run. */
class BpfExampleTest {
    @Test
    void aProgramIsLoadedRunAndCountsInAMap() {
        Kernel.require();
        // @start region=load
        try (DropCounter calls = new DropCounter("calls");
             BpfProgram program = BpfProgram.load(ProgramType.SYSCALL, "answer",
                     calls.increment(new Asm())
                             .mov(Reg.R0, 40)
                             .alu64(Asm.Alu.ADD, Reg.R0, 2)
                             .exit())) {
            int answer = program.testRun(new byte[8]);   // BPF_PROG_TEST_RUN: 42
            long counted = calls.count();                // 1, counted by the program in an array map
            // @end
            assertEquals(42, answer);
            assertEquals(1, counted);
        }
    }
}
