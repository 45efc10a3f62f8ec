package io.bpfring.bpf;

import io.bpfring.VerifierException;

import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Programs loaded from raw instructions, as an object loader hands them over. */
class BpfProgramBuilderTest {
    /** {@code r0 = 2; exit}, as little-endian {@code bpf_insn}s. */
    private static final long[] RETURN_2 = {0x00000002_000000b7L, 0x95L};

    @BeforeEach
    void requireKernel() {
        Kernel.require();
    }

    @Test
    void rawInstructionsLoadWithTheirAttachTypeAndRunOnAPacket() {
        try (BpfProgram xdp = BpfProgram.builder(ProgramType.XDP, "raw_xdp")
                .instructions(MemorySegment.ofArray(RETURN_2))
                .expectedAttachType(AttachType.XDP)
                .load()) {
            assertEquals(2, xdp.testRunData(new byte[64]));
        }
    }

    @Test
    void aRefusedProgramCarriesTheVerifierLog() {
        long readR9 = 0x0000_0000_0000_9079L; // r0 = *(u64 *)(r9 + 0), r9 never set
        VerifierException e = assertThrows(VerifierException.class, () -> BpfProgram.builder(ProgramType.XDP, "bad")
                .instructions(MemorySegment.ofArray(new long[]{readR9, 0x95L})).load());
        assertTrue(e.log().contains("R9 !read_ok"), e.log());
    }

    @Test
    void aPartialInstructionIsRefusedBeforeTheKernelIsAsked() {
        assertThrows(IllegalArgumentException.class, () -> BpfProgram.builder(ProgramType.XDP, "half")
                .instructions(MemorySegment.ofArray(new byte[12])).load());
    }
}
