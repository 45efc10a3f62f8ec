package io.bpfring.bpf;

import io.bpfring.VerifierException;
import io.bpfring.asm.Asm;
import io.bpfring.asm.Reg;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading what the assembler builds: the kernel runs it, or the verifier says why not. */
class BpfProgramTest {
    @Test
    void aProgramOfSeveralFunctionsLoadsWithItsBtfAndRuns() {
        Kernel.require();
        try (BpfProgram program = BpfProgram.load(ProgramType.SYSCALL, "twice", new Asm()
                .mov(Reg.R1, 21)
                .callFunction("double")
                .exit()
                .label("double")
                .mov(Reg.R0, Reg.R1)
                .alu64(Asm.Alu.ADD, Reg.R0, Reg.R1)
                .exit())) {
            assertEquals(42, program.testRun(new byte[8]));
        }
    }

    @Test
    void theKernelRunsWhatItAssembles() {
        Kernel.require();
        try (BpfProgram program = BpfProgram.load(ProgramType.SYSCALL, "answer",
                new Asm().mov(Reg.R0, 40).alu64(Asm.Alu.ADD, Reg.R0, 2).exit())) {
            assertEquals(42, program.testRun(new byte[8]));
            assertEquals(42, program.testRun(new byte[0]), "no context at all");
            assertEquals(42, program.testRun(MemorySegment.NULL));
        }
    }

    @Test
    void aBoundMapIsAmongTheProgramsMapsOnce() {
        Kernel.require();
        try (BpfProgram program = BpfProgram.load(ProgramType.SYSCALL, "unbound", new Asm().mov(Reg.R0, 0).exit());
             BpfMap map = BpfMap.array("bound", 8, 1)) {
            assertArrayEquals(new int[0], program.mapIds());
            program.bindMap(map);
            program.bindMap(map);
            assertArrayEquals(new int[]{map.info().id()}, program.mapIds(), "bound once, however often asked");
        }
    }

    @Test
    void aRejectedProgramCarriesTheVerifierLog() {
        Kernel.require();
        VerifierException e = assertThrows(VerifierException.class,
                () -> BpfProgram.load(ProgramType.SYSCALL, "bad", new Asm().exit()));
        assertTrue(e.log().contains("R0 !read_ok"), e.log());
        assertTrue(e.getMessage().contains("the verifier rejected the program"), e.getMessage());
        assertTrue(e.getMessage().contains("R0 !read_ok"), e.getMessage());
        assertEquals("EACCES", e.errnoName());

        VerifierException stack = assertThrows(VerifierException.class, () -> BpfProgram.load(ProgramType.SYSCALL,
                "bad_stack", new Asm().load(Asm.Size.DW, Reg.R0, Reg.R10, -1024).exit()));
        assertTrue(stack.log().contains("invalid") || stack.log().contains("stack"), stack.log());
    }

    @Test
    void badProgramsAreRefusedBeforeLoading() {
        assertThrows(IllegalArgumentException.class,
                () -> BpfProgram.load(ProgramType.SYSCALL, "a name far too long", new Asm().mov(Reg.R0, 0).exit()));
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.load(ProgramType.SYSCALL, "empty", List.of()));
    }
}
