package io.bpfring.tools.execsnoop;

import io.bpfring.bpf.Asm;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.DropCounter;
import io.bpfring.bpf.Helper;
import io.bpfring.bpf.Link;
import io.bpfring.bpf.ProgramType;
import io.bpfring.bpf.Reg;
import io.bpfring.bpf.Tracepoint;
import io.bpfring.reader.RingBufReader;
import io.bpfring.ring.RecordHandler;

import java.time.Duration;
import java.util.function.Predicate;

import static io.bpfring.bpf.Asm.Alu;
import static io.bpfring.bpf.Asm.Jump;
import static io.bpfring.bpf.Asm.Size;

/**
 * Traces every exec through {@code sched/sched_process_exec}: the BPF program reserves the event
 * straight in the ring buffer, fills it (pid, comm, filename) and submits it; a reserve that fails
 * because the ring is full is counted in the program.
 */
public final class ExecTracer implements AutoCloseable {
    private final BpfMap ring;
    private final DropCounter drops;
    private final BpfProgram program;
    private final Link link;
    private final RingBufReader reader;

    /**
     * @param ringSize ring data bytes: a power of 2 and a multiple of the page size
     * @param sink     receives each event; returns false to stop the current poll
     */
    public ExecTracer(int ringSize, Predicate<ExecEvent> sink) {
        Tracepoint exec = Tracepoint.of("sched", "sched_process_exec");
        BpfMap ringMap = BpfMap.ringBuf("execs", ringSize);
        DropCounter dropCounter = null;
        BpfProgram prog = null;
        RingBufReader ringReader = null;
        try {
            dropCounter = new DropCounter("exec_drops");
            prog = BpfProgram.load(ProgramType.TRACEPOINT, "execsnoop", program(exec, ringMap, dropCounter));
            RecordHandler handler = record -> sink.test(ExecEvent.read(record));
            ringReader = RingBufReader.of(ringMap, handler);
            link = exec.attach(prog);
        } catch (RuntimeException e) {
            if (ringReader != null) {
                ringReader.close();
            }
            if (prog != null) {
                prog.close();
            }
            if (dropCounter != null) {
                dropCounter.close();
            }
            ringMap.close();
            throw e;
        }
        ring = ringMap;
        drops = dropCounter;
        program = prog;
        reader = ringReader;
    }

    private static Asm program(Tracepoint exec, BpfMap ring, DropCounter drops) {
        Tracepoint.Field filename = exec.field("filename");
        Asm asm = new Asm()
                .mov(Reg.R6, Reg.R1)
                .loadMap(Reg.R1, ring)
                .mov(Reg.R2, ExecEvent.SIZE)
                .mov(Reg.R3, 0)
                .call(Helper.RINGBUF_RESERVE)
                .jumpIf(Reg.R0, Jump.EQ, 0, "drop")
                .mov(Reg.R7, Reg.R0)
                // pid: the thread group id, the upper half of pid_tgid
                .call(Helper.GET_CURRENT_PID_TGID)
                .alu64(Alu.RSH, Reg.R0, 32)
                .store(Size.W, Reg.R7, 0, Reg.R0)
                .mov(Reg.R1, Reg.R7)
                .alu64(Alu.ADD, Reg.R1, ExecEvent.COMM_OFFSET)
                .mov(Reg.R2, ExecEvent.COMM_SIZE)
                .call(Helper.GET_CURRENT_COMM)
                // filename is a __data_loc field: its low 16 bits are the string's offset in ctx
                .load(Size.W, Reg.R3, Reg.R6, filename.offset())
                .alu64(Alu.AND, Reg.R3, 0xffff)
                .alu64(Alu.ADD, Reg.R3, Reg.R6)
                .mov(Reg.R1, Reg.R7)
                .alu64(Alu.ADD, Reg.R1, ExecEvent.FILENAME_OFFSET)
                .mov(Reg.R2, ExecEvent.FILENAME_SIZE)
                .call(Helper.PROBE_READ_KERNEL_STR)
                .mov(Reg.R1, Reg.R7)
                .mov(Reg.R2, 0)
                .call(Helper.RINGBUF_SUBMIT)
                .mov(Reg.R0, 0)
                .exit()
                .label("drop");
        return drops.increment(asm)
                .mov(Reg.R0, 0)
                .exit();
    }

    /** Delivers the events committed so far, waiting up to {@code timeout} for some. */
    public int poll(Duration timeout) {
        return reader.poll(timeout);
    }

    /** Makes a running {@link #poll} return; from any thread. */
    public void wakeup() {
        reader.wakeup();
    }

    /** Execs the ring had no room for. */
    public long drops() {
        return drops.count();
    }

    /** Bytes the ring buffer holds. */
    public long memoryBytes() {
        return ring.maxEntries();
    }

    @Override
    public void close() {
        link.close();
        reader.close();
        program.close();
        drops.close();
        ring.close();
    }
}
