package io.bpfring.asm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An eBPF assembler: typed instructions, named labels for jumps, map references resolved at load.
 *
 * <pre>{@code
 * Asm asm = new Asm()
 *     .mov(Reg.R0, 0)
 *     .jumpIf(Reg.R1, Asm.Jump.EQ, 0, "out")
 *     .mov(Reg.R0, 1)
 *     .label("out")
 *     .exit();
 * }</pre>
 */
public final class Asm {
    // Instruction classes.
    private static final int LD = 0x00;
    private static final int LDX = 0x01;
    private static final int ST = 0x02;
    private static final int STX = 0x03;
    private static final int ALU = 0x04;
    private static final int JMP = 0x05;
    private static final int JMP32 = 0x06;
    private static final int ALU64 = 0x07;
    // Modes and sources.
    private static final int IMM = 0x00;
    private static final int MEM = 0x60;
    private static final int ATOMIC = 0xc0;
    private static final int K = 0x00;
    private static final int X = 0x08;
    private static final int CALL = 0x80;
    private static final int EXIT = 0x90;
    private static final int FETCH = 0x01;
    // Pseudo sources of a 64-bit immediate load, and of a call.
    private static final int PSEUDO_MAP_FD = 1;
    private static final int PSEUDO_MAP_VALUE = 2;
    private static final int PSEUDO_FUNC = 4;
    private static final int PSEUDO_CALL = 1;

    /** Access sizes of loads and stores. */
    public enum Size {
        B(0x10), H(0x08), W(0x00), DW(0x18);

        final int code;

        Size(int code) {
            this.code = code;
        }
    }

    /** Arithmetic and logic operations. */
    public enum Alu {
        ADD(0x00), SUB(0x10), MUL(0x20), DIV(0x30), OR(0x40), AND(0x50), LSH(0x60), RSH(0x70),
        NEG(0x80), MOD(0x90), XOR(0xa0), MOV(0xb0), ARSH(0xc0);

        final int code;

        Alu(int code) {
            this.code = code;
        }
    }

    /** Conditions of conditional jumps; GT/GE/LT/LE compare unsigned, the S-forms signed. */
    public enum Jump {
        EQ(0x10), GT(0x20), GE(0x30), SET(0x40), NE(0x50), SGT(0x60), SGE(0x70),
        LT(0xa0), LE(0xb0), SLT(0xc0), SLE(0xd0);

        final int code;

        Jump(int code) {
            this.code = code;
        }
    }

    private final List<Insn> insns = new ArrayList<>();
    private final Map<Integer, String> jumpTargets = new HashMap<>();
    /** Calls and function addresses: their label goes into imm, not off. */
    private final Map<Integer, String> functionTargets = new HashMap<>();
    private final Map<String, Integer> labels = new HashMap<>();

    private Asm add(Insn insn) {
        insns.add(insn);
        return this;
    }

    /** 64-bit {@code dst op= imm}. */
    public Asm alu64(Alu op, Reg dst, int imm) {
        return add(new Insn(ALU64 | op.code | K, dst.number(), 0, 0, imm));
    }

    /** 64-bit {@code dst op= src}. */
    public Asm alu64(Alu op, Reg dst, Reg src) {
        return add(new Insn(ALU64 | op.code | X, dst.number(), src.number(), 0, 0));
    }

    /** 32-bit {@code dst op= imm}; the upper half of dst becomes zero. */
    public Asm alu32(Alu op, Reg dst, int imm) {
        return add(new Insn(ALU | op.code | K, dst.number(), 0, 0, imm));
    }

    /** 32-bit {@code dst op= src}; the upper half of dst becomes zero. */
    public Asm alu32(Alu op, Reg dst, Reg src) {
        return add(new Insn(ALU | op.code | X, dst.number(), src.number(), 0, 0));
    }

    /** {@code dst = imm}, sign-extended to 64 bits. */
    public Asm mov(Reg dst, int imm) {
        return alu64(Alu.MOV, dst, imm);
    }

    /** {@code dst = src}. */
    public Asm mov(Reg dst, Reg src) {
        return alu64(Alu.MOV, dst, src);
    }

    /** {@code dst = imm}, all 64 bits (two instruction slots). */
    public Asm loadImm64(Reg dst, long imm) {
        add(new Insn(LD | Size.DW.code | IMM, dst.number(), 0, 0, (int) imm));
        return add(new Insn(0, 0, 0, 0, (int) (imm >>> 32)));
    }

    /** {@code dst = &map}, for helpers that take a map. */
    public Asm loadMap(Reg dst, MapFd map) {
        add(new Insn(LD | Size.DW.code | IMM, dst.number(), PSEUDO_MAP_FD, 0, 0, map));
        return add(new Insn(0, 0, 0, 0, 0));
    }

    /** {@code dst = &value + offset} of a one-entry array map: direct access, no lookup call. */
    public Asm loadMapValue(Reg dst, MapFd map, int offset) {
        add(new Insn(LD | Size.DW.code | IMM, dst.number(), PSEUDO_MAP_VALUE, 0, 0, map));
        return add(new Insn(0, 0, 0, 0, offset));
    }

    /** {@code dst = *(size *)(src + off)}. */
    public Asm load(Size size, Reg dst, Reg src, int off) {
        return add(new Insn(LDX | size.code | MEM, dst.number(), src.number(), off, 0));
    }

    /** {@code *(size *)(dst + off) = src}. */
    public Asm store(Size size, Reg dst, int off, Reg src) {
        return add(new Insn(STX | size.code | MEM, dst.number(), src.number(), off, 0));
    }

    /** {@code *(size *)(dst + off) = imm}. */
    public Asm store(Size size, Reg dst, int off, int imm) {
        return add(new Insn(ST | size.code | MEM, dst.number(), 0, off, imm));
    }

    /** Atomic {@code *(size *)(dst + off) += src}; size W or DW. */
    public Asm atomicAdd(Size size, Reg dst, int off, Reg src) {
        return add(new Insn(STX | checkAtomic(size).code | ATOMIC, dst.number(), src.number(), off, Alu.ADD.code));
    }

    /** Atomic add that also sets {@code src} to the old value; size W or DW. */
    public Asm atomicFetchAdd(Size size, Reg dst, int off, Reg src) {
        return add(new Insn(STX | checkAtomic(size).code | ATOMIC, dst.number(), src.number(), off,
                Alu.ADD.code | FETCH));
    }

    private static Size checkAtomic(Size size) {
        if (size != Size.W && size != Size.DW) {
            throw new IllegalArgumentException("atomic operations are 32 or 64 bits wide, not " + size);
        }
        return size;
    }

    /** Unconditional jump to {@code label}. */
    public Asm jump(String label) {
        return jumpTo(new Insn(JMP, 0, 0, 0, 0), label);
    }

    /** {@code if (dst cond imm) goto label}, 64-bit compare. */
    public Asm jumpIf(Reg dst, Jump cond, int imm, String label) {
        return jumpTo(new Insn(JMP | cond.code | K, dst.number(), 0, 0, imm), label);
    }

    /** {@code if (dst cond src) goto label}, 64-bit compare. */
    public Asm jumpIf(Reg dst, Jump cond, Reg src, String label) {
        return jumpTo(new Insn(JMP | cond.code | X, dst.number(), src.number(), 0, 0), label);
    }

    /** {@code if (dst cond imm) goto label}, comparing the low 32 bits. */
    public Asm jumpIf32(Reg dst, Jump cond, int imm, String label) {
        return jumpTo(new Insn(JMP32 | cond.code | K, dst.number(), 0, 0, imm), label);
    }

    private Asm jumpTo(Insn insn, String label) {
        jumpTargets.put(insns.size(), label);
        return add(insn);
    }

    /** Calls a helper: arguments in R1-R5, result in R0; R1-R5 are clobbered. */
    public Asm call(Helper helper) {
        return add(new Insn(JMP | CALL, 0, 0, 0, helper.id()));
    }

    /**
     * Calls the function that starts at {@code label} (a bpf-to-bpf call): arguments in R1-R5,
     * result in R0, its own stack. Put functions after the main program's last exit.
     */
    public Asm callFunction(String label) {
        functionTargets.put(insns.size(), label);
        return add(new Insn(JMP | CALL, 0, PSEUDO_CALL, 0, 0));
    }

    /** {@code dst = &function at label}, for helpers that take a callback (bpf_loop, bpf_user_ringbuf_drain). */
    public Asm loadFunction(Reg dst, String label) {
        functionTargets.put(insns.size(), label);
        add(new Insn(LD | Size.DW.code | IMM, dst.number(), PSEUDO_FUNC, 0, 0));
        return add(new Insn(0, 0, 0, 0, 0));
    }

    /** Returns R0. */
    public Asm exit() {
        return add(new Insn(JMP | EXIT, 0, 0, 0, 0));
    }

    /** Names the position of the next instruction. */
    public Asm label(String name) {
        if (labels.putIfAbsent(name, insns.size()) != null) {
            throw new IllegalArgumentException("label '" + name + "' is defined twice");
        }
        return this;
    }

    /** The instructions, with every jump, call and function address resolved to its label. */
    public List<Insn> build() {
        List<Insn> out = new ArrayList<>(insns);
        for (Map.Entry<Integer, String> jump : jumpTargets.entrySet()) {
            int at = jump.getKey();
            Insn insn = out.get(at);
            out.set(at, new Insn(insn.opcode(), insn.dst(), insn.src(), distance(at, jump.getValue()), insn.imm(), insn.map()));
        }
        for (Map.Entry<Integer, String> call : functionTargets.entrySet()) {
            int at = call.getKey();
            Insn insn = out.get(at);
            out.set(at, new Insn(insn.opcode(), insn.dst(), insn.src(), insn.off(), distance(at, call.getValue()), insn.map()));
        }
        return List.copyOf(out);
    }

    /**
     * Where each function starts, by instruction: the program itself at 0, then every label that
     * a call or a function address names, in order.
     */
    public SortedMap<Integer, String> functions() {
        SortedMap<Integer, String> starts = new TreeMap<>();
        starts.put(0, "main");
        for (String label : functionTargets.values()) {
            starts.put(labels.get(label), label);
        }
        return starts;
    }

    /** Instructions from the one after {@code at} to {@code label}: how jumps and calls count. */
    private int distance(int at, String label) {
        Integer target = labels.get(label);
        if (target == null) {
            throw new IllegalArgumentException("jump to undefined label '" + label + "'");
        }
        return target - at - 1;
    }
}
