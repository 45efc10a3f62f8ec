package io.bpfring.asm;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AsmTest {
    /** The program's bytes as hex, one instruction per element. */
    private static List<String> hex(Asm asm) {
        List<Insn> insns = asm.build();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment code = arena.allocate((long) insns.size() * Insn.SIZE, 8);
            for (int i = 0; i < insns.size(); i++) {
                insns.get(i).encode(code, i);
            }
            byte[] bytes = code.toArray(JAVA_BYTE);
            return java.util.stream.IntStream.range(0, insns.size())
                    .mapToObj(i -> HexFormat.of().formatHex(bytes, i * 8, i * 8 + 8)).toList();
        }
    }

    @Test
    void encodesAsTheKernelDefinesTheInstructions() {
        // Expected bytes: opcode, src<<4|dst, off (le16), imm (le32), as llvm-objdump shows them.
        assertEquals(List.of(
                "b700000000000000",  // r0 = 0
                "bf16000000000000",  // r6 = r1
                "0701000008000000",  // r1 += 8
                "7700000020000000",  // r0 >>= 32
                "6162040000000000",  // r2 = *(u32 *)(r6 + 4)
                "7b1af8ff00000000",  // *(u64 *)(r10 - 8) = r1
                "620afcff00000000",  // *(u32 *)(r10 - 4) = 0
                "db21000000000000",  // lock *(u64 *)(r1 + 0) += r2
                "c321000001000000",  // r2 = atomic_fetch_add((u32 *)(r1 + 0), r2)
                "850000000e000000",  // call 14
                "9500000000000000"), // exit
                hex(new Asm()
                        .mov(Reg.R0, 0)
                        .mov(Reg.R6, Reg.R1)
                        .alu64(Asm.Alu.ADD, Reg.R1, 8)
                        .alu64(Asm.Alu.RSH, Reg.R0, 32)
                        .load(Asm.Size.W, Reg.R2, Reg.R6, 4)
                        .store(Asm.Size.DW, Reg.R10, -8, Reg.R1)
                        .store(Asm.Size.W, Reg.R10, -4, 0)
                        .atomicAdd(Asm.Size.DW, Reg.R1, 0, Reg.R2)
                        .atomicFetchAdd(Asm.Size.W, Reg.R1, 0, Reg.R2)
                        .call(Helper.GET_CURRENT_PID_TGID)
                        .exit()));
    }

    @Test
    void a64BitImmediateTakesTwoSlots() {
        assertEquals(List.of("1801000078563412", "00000000f0debc9a"),
                hex(new Asm().loadImm64(Reg.R1, 0x9abcdef012345678L)));
    }

    @Test
    void jumpsResolveToTheirLabelsForwardAndBackward() {
        List<Insn> insns = new Asm()
                .label("top")
                .mov(Reg.R0, 0)
                .jumpIf(Reg.R1, Asm.Jump.EQ, 0, "out")   // 1 -> 4: off 2
                .jumpIf32(Reg.R1, Asm.Jump.GT, 5, "top")     // 2 -> 0: off -3
                .jump("out")                               // 3 -> 4: off 0
                .label("out")
                .exit()
                .build();
        assertEquals(2, insns.get(1).off());
        assertEquals(0x15, insns.get(1).opcode());
        assertEquals(-3, insns.get(2).off());
        assertEquals(0x26, insns.get(2).opcode());
        assertEquals(0, insns.get(3).off());
        assertEquals(0x05, insns.get(3).opcode());
    }

    @Test
    void callsAndFunctionAddressesCountTheirDistanceInImm() {
        Asm asm = new Asm()
                .loadFunction(Reg.R2, "f")  // 0-1 -> 4: imm 3
                .callFunction("f")          // 2 -> 4: imm 1
                .exit()                     // 3
                .label("f")
                .mov(Reg.R0, 7)
                .exit();
        List<Insn> insns = asm.build();
        assertEquals(4, insns.get(0).src());
        assertEquals(3, insns.get(0).imm());
        assertEquals(0x85, insns.get(2).opcode());
        assertEquals(1, insns.get(2).src());
        assertEquals(1, insns.get(2).imm());
        assertEquals(java.util.Map.of(0, "main", 4, "f"), asm.functions());
    }

    @Test
    void labelsMustBeDefinedOnce() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Asm().jump("nowhere").exit().build())
                .getMessage().contains("nowhere"));
        assertThrows(IllegalArgumentException.class, () -> new Asm().label("a").label("a"));
        assertThrows(IllegalArgumentException.class, () -> new Asm().atomicAdd(Asm.Size.B, Reg.R1, 0, Reg.R2));
    }
}
