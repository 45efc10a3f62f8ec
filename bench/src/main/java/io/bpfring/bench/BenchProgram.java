package io.bpfring.bench;

import io.bpfring.asm.Asm;
import io.bpfring.asm.Helper;
import io.bpfring.asm.Reg;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.DropCounter;
import io.bpfring.ring.Wakeup;

import static io.bpfring.asm.Asm.Alu;
import static io.bpfring.asm.Asm.Jump;
import static io.bpfring.asm.Asm.Size;

/**
 * The producer of the kernel's ring buffer selftest bench (bench_ringbufs.c), assembled: on each
 * getpgid of the benchmark's own process, write {@code batch} 8-byte samples, counting those
 * that find no room.
 */
public final class BenchProgram {
    private static final int SAMPLE = 8;
    /** Ring bytes a sample takes: its 8-byte header and 8 bytes of payload. */
    public static final int RING_SPAN = 16;

    private BenchProgram() {
    }

    /** Samples reserved in the ring and submitted; sampled: wake only past {@code wakeupBytes} queued. */
    static Asm ring(BpfMap ring, DropCounter drops, long pid, int batch, Notify notify, long wakeupBytes) {
        Asm asm = ownProcessOnly(pid);
        asm.label("loop")
                .loadMap(Reg.R1, ring)
                .mov(Reg.R2, SAMPLE)
                .mov(Reg.R3, 0)
                .call(Helper.RINGBUF_RESERVE)
                .jumpIf(Reg.R0, Jump.EQ, 0, "drop")
                .mov(Reg.R8, Reg.R0)
                .store(Size.DW, Reg.R8, 0, Reg.R7);
        if (notify == Notify.SAMPLED) {
            asm.loadMap(Reg.R1, ring)
                    .mov(Reg.R2, (int) Helper.RB_AVAIL_DATA)
                    .call(Helper.RINGBUF_QUERY)
                    .mov(Reg.R2, (int) Wakeup.NO_WAKEUP.flags())
                    .jumpIf(Reg.R0, Jump.LT, (int) wakeupBytes, "submit")
                    .mov(Reg.R2, (int) Wakeup.FORCE_WAKEUP.flags());
        } else {
            asm.mov(Reg.R2, 0);
        }
        asm.label("submit")
                .mov(Reg.R1, Reg.R8)
                .call(Helper.RINGBUF_SUBMIT)
                .jump("next")
                .label("drop");
        return loopEnd(drops.increment(asm), batch);
    }

    /** Samples sent with bpf_perf_event_output to the current CPU's buffer. */
    static Asm perf(BpfMap perf, DropCounter drops, long pid, int batch) {
        Asm asm = ownProcessOnly(pid);
        asm.label("loop")
                .store(Size.DW, Reg.R10, -SAMPLE, Reg.R7)
                .mov(Reg.R1, Reg.R6)
                .loadMap(Reg.R2, perf)
                .loadImm64(Reg.R3, Helper.F_CURRENT_CPU)
                .mov(Reg.R4, Reg.R10)
                .alu64(Alu.ADD, Reg.R4, -SAMPLE)
                .mov(Reg.R5, SAMPLE)
                .call(Helper.PERF_EVENT_OUTPUT)
                .jumpIf(Reg.R0, Jump.EQ, 0, "next");
        return loopEnd(drops.increment(asm), batch);
    }

    /** R6 = ctx, R7 = sample counter; returns at once for any other process. */
    private static Asm ownProcessOnly(long pid) {
        return new Asm()
                .mov(Reg.R6, Reg.R1)
                .call(Helper.GET_CURRENT_PID_TGID)
                .alu64(Alu.RSH, Reg.R0, 32)
                .jumpIf(Reg.R0, Jump.NE, (int) pid, "out")
                .mov(Reg.R7, 0);
    }

    private static Asm loopEnd(Asm asm, int batch) {
        return asm.label("next")
                .alu64(Alu.ADD, Reg.R7, 1)
                .jumpIf(Reg.R7, Jump.LT, batch, "loop")
                .label("out")
                .mov(Reg.R0, 0)
                .exit();
    }
}
