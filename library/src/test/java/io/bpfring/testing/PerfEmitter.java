package io.bpfring.testing;

import io.bpfring.asm.Asm;
import io.bpfring.asm.Helper;
import io.bpfring.asm.Reg;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.ProgramType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static io.bpfring.asm.Asm.Jump;
import static io.bpfring.asm.Asm.Size;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Deterministic producing into a real perf buffer: BPF_PROG_TEST_RUN runs a raw tracepoint
 * program on a chosen CPU, which sends {@code size} bytes of a payload (byte i = pattern(i),
 * the first 8 replaced by a sequence number) with {@code bpf_perf_event_output} to that CPU's
 * buffer. Context: u64 args {size, seq}.
 */
public final class PerfEmitter implements AutoCloseable {
    public static final int MAX_SIZE = 60 * 1024;

    private final BpfMap payload;
    private final BpfProgram program;

    public PerfEmitter(BpfMap perfEventArray) {
        payload = BpfMap.array("perf_payload", MAX_SIZE, 1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(MAX_SIZE);
            for (int i = 0; i < MAX_SIZE; i++) {
                value.set(JAVA_BYTE, i, Emitter.pattern(i));
            }
            payload.update(arena.allocate(JAVA_INT), value, BpfMap.ANY);
        }
        Asm asm = new Asm()
                .mov(Reg.R6, Reg.R1)
                .load(Size.DW, Reg.R7, Reg.R6, 0)
                .loadMapValue(Reg.R8, payload, 0)
                .jumpIf(Reg.R7, Jump.LT, 8, "send")
                .load(Size.DW, Reg.R1, Reg.R6, 8)
                .store(Size.DW, Reg.R8, 0, Reg.R1)
                .label("send")
                .jumpIf(Reg.R7, Jump.GT, MAX_SIZE, "done")
                .mov(Reg.R1, Reg.R6)
                .loadMap(Reg.R2, perfEventArray)
                .loadImm64(Reg.R3, Helper.F_CURRENT_CPU)
                .mov(Reg.R4, Reg.R8)
                .mov(Reg.R5, Reg.R7)
                .call(Helper.PERF_EVENT_OUTPUT)
                .label("done")
                .mov(Reg.R0, 0)
                .exit();
        program = BpfProgram.load(ProgramType.RAW_TRACEPOINT, "perf_emit", asm);
    }

    /** Sends a sample of {@code size} bytes carrying {@code seq} into CPU {@code cpu}'s buffer. */
    public void output(int cpu, int size, long seq) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ctx = arena.allocate(16, 8);
            ctx.set(JAVA_LONG, 0, size);
            ctx.set(JAVA_LONG, 8, seq);
            program.testRun(ctx, cpu);
        }
    }

    @Override
    public void close() {
        program.close();
        payload.close();
    }
}
