package io.bpfring.bpf;

import io.bpfring.asm.Asm;
import io.bpfring.asm.Insn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/** Loads assembled programs with what {@link BpfProgram#load(ProgramType, String, Asm)} leaves out: attach type and BTF. */
public final class AsmLoader {
    private AsmLoader() {
    }

    /** Loads {@code asm} as a program of {@code type} that attaches at {@code expected} to kernel BTF type {@code attachBtfId}. */
    public static BpfProgram load(ProgramType type, AttachType expected, int attachBtfId, String name, Asm asm) {
        List<Insn> insns = asm.build();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment code = arena.allocate((long) insns.size() * Insn.SIZE, 8);
            for (int i = 0; i < insns.size(); i++) {
                insns.get(i).encode(code, i);
            }
            return BpfProgram.builder(type, name).instructions(code).expectedAttachType(expected)
                    .attachBtf(0, attachBtfId).load();
        }
    }
}
