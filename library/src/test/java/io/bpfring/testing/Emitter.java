package io.bpfring.testing;

import io.bpfring.asm.Asm;
import io.bpfring.asm.Helper;
import io.bpfring.asm.Reg;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.DropCounter;
import io.bpfring.bpf.ProgramType;
import io.bpfring.ring.Wakeup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.bpfring.asm.Asm.Jump;
import static io.bpfring.asm.Asm.Size;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Deterministic producing into a real kernel ring: BPF_PROG_TEST_RUN runs a SYSCALL program that
 * writes one record per run. The payload comes from a one-entry array (byte i = pattern(i)),
 * its first 8 bytes replaced by a sequence number when the record is that long.
 *
 * <p>Context: {@code {u32 size; u32 flags; u64 seq; u32 mode}}; mode 0 outputs {@code size}
 * bytes with {@code bpf_ringbuf_output}, mode 1 reserves {@link #RESERVED} bytes and submits,
 * mode 2 reserves them and discards. A failed output or reserve counts a drop.
 */
public final class Emitter implements AutoCloseable {
    public static final int RESERVED = 24;
    public static final int OUTPUT = 0;
    public static final int SUBMIT = 1;
    public static final int DISCARD = 2;

    private final BpfMap payload;
    private final DropCounter drops;
    private final BpfProgram program;
    private final int maxSize;

    public Emitter(BpfMap ring) {
        this.maxSize = ring.maxEntries();
        this.payload = BpfMap.array("payload", maxSize, 1);
        this.drops = new DropCounter("drops");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(maxSize);
            for (int i = 0; i < maxSize; i++) {
                value.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, pattern(i));
            }
            payload.update(arena.allocate(JAVA_INT), value, BpfMap.ANY);
        }
        Asm asm = new Asm()
                .mov(Reg.R6, Reg.R1)
                .load(Size.W, Reg.R7, Reg.R6, 0)
                .load(Size.W, Reg.R8, Reg.R6, 16)
                .jumpIf(Reg.R8, Jump.NE, 0, "reserve")
                // mode 0: output size bytes of the payload
                .loadMapValue(Reg.R9, payload, 0)
                .jumpIf(Reg.R7, Jump.LT, 8, "output")
                .load(Size.DW, Reg.R1, Reg.R6, 8)
                .store(Size.DW, Reg.R9, 0, Reg.R1)
                .label("output")
                .jumpIf(Reg.R7, Jump.GT, maxSize, "done")
                .loadMap(Reg.R1, ring)
                .mov(Reg.R2, Reg.R9)
                .mov(Reg.R3, Reg.R7)
                .load(Size.W, Reg.R4, Reg.R6, 4)
                .call(Helper.RINGBUF_OUTPUT)
                .jumpIf(Reg.R0, Jump.EQ, 0, "done")
                .jump("drop")
                // modes 1 and 2: reserve, write seq, submit or discard
                .label("reserve")
                .loadMap(Reg.R1, ring)
                .mov(Reg.R2, RESERVED)
                .mov(Reg.R3, 0)
                .call(Helper.RINGBUF_RESERVE)
                .jumpIf(Reg.R0, Jump.EQ, 0, "drop")
                .load(Size.DW, Reg.R1, Reg.R6, 8)
                .store(Size.DW, Reg.R0, 0, Reg.R1)
                .mov(Reg.R1, Reg.R0)
                .load(Size.W, Reg.R2, Reg.R6, 4)
                .jumpIf(Reg.R8, Jump.EQ, DISCARD, "discard")
                .call(Helper.RINGBUF_SUBMIT)
                .jump("done")
                .label("discard")
                .call(Helper.RINGBUF_DISCARD)
                .jump("done")
                .label("drop");
        drops.increment(asm)
                .label("done")
                .mov(Reg.R0, 0)
                .exit();
        this.program = BpfProgram.load(ProgramType.SYSCALL, "emit", asm);
    }

    public static byte pattern(int i) {
        return (byte) (i * 7 + 3);
    }

    /** Outputs a record of {@code size} bytes carrying {@code seq} in its first 8 (when it has 8). */
    public void output(int size, long seq, Wakeup wakeup) {
        run(size, wakeup.flags(), seq, OUTPUT);
    }

    public void output(int size, long seq) {
        output(size, seq, Wakeup.ADAPTIVE);
    }

    /** Reserves a {@link #RESERVED}-byte record carrying {@code seq}, then submits or discards it. */
    public void reserve(long seq, boolean discard) {
        run(RESERVED, 0, seq, discard ? DISCARD : SUBMIT);
    }

    private void run(int size, long flags, long seq, int mode) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctx = arena.allocate(24, 8);
            ctx.set(JAVA_INT, 0, size);
            ctx.set(JAVA_INT, 4, (int) flags);
            ctx.set(JAVA_LONG, 8, seq);
            ctx.set(JAVA_INT, 16, mode);
            program.testRun(ctx);
        }
    }

    public long dropped() {
        return drops.count();
    }

    public BpfProgram program() {
        return program;
    }

    @Override
    public void close() {
        program.close();
        drops.close();
        payload.close();
    }
}
