package io.bpfring;

import io.bpfring.asm.Asm;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.ProgramType;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example of the package's documentation, compiled and run. */
class ErrorsExampleTest {
    @Test
    void oneCatchNamesEveryKindOfFailure() {
        Kernel.require();
        String said;
        // @start region=errors
        try (BpfProgram program = BpfProgram.load(ProgramType.SYSCALL, "no_r0", new Asm().exit())) {
            said = "loaded";
        } catch (BpfException e) {
            said = switch (e) {
                case VerifierException v -> "the verifier refused it: " + v.log();
                case SyscallException s -> s.call() + " failed: " + s.errnoName();
                case NotSupportedException n -> "this needs Linux " + n.minimumKernel();
                case CorruptRingException c -> "a ring is corrupt: " + c.getMessage();
                case ElfException f -> "not a BPF object: " + f.getMessage();
                case BtfException b -> "bad BTF: " + b.getMessage();
            };
        }
        // @end
        assertTrue(said.startsWith("the verifier refused it: ") && said.contains("R0 !read_ok"), said);
    }
}
