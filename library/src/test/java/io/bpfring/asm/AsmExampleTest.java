package io.bpfring.asm;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The example of the package's documentation, compiled and run. */
class AsmExampleTest {
    @Test
    void labelsBecomeJumpOffsets() {
        // @start region=assemble
        // return ctx == 0 ? 0 : 1, in eBPF
        List<Insn> program = new Asm()
                .mov(Reg.R0, 0)
                .jumpIf(Reg.R1, Asm.Jump.EQ, 0, "out")
                .mov(Reg.R0, 1)
                .label("out")
                .exit()
                .build();
        // @end
        assertEquals(4, program.size());
        assertEquals(1, program.get(1).off(), "the jump skips one instruction");
    }
}
