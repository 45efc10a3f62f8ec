package io.bpfring.cli.execsnoop;

import io.bpfring.EventReader;
import io.bpfring.asm.Asm;
import io.bpfring.asm.Helper;
import io.bpfring.asm.Reg;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.DropCounter;
import io.bpfring.bpf.ProgramType;
import io.bpfring.bpf.Resources;
import io.bpfring.bpf.Tracepoint;
import io.bpfring.cli.Sizes;
import io.bpfring.perf.PerfBufReader;
import io.bpfring.ringbuf.RingBufReader;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

import static io.bpfring.asm.Asm.Alu;
import static io.bpfring.asm.Asm.Jump;
import static io.bpfring.asm.Asm.Size;

/**
 * Traces every exec through {@code sched/sched_process_exec}, in the article's three ways:
 * <ul>
 * <li>{@link Transport#RINGBUF_RESERVE}: the event is reserved straight in the ring buffer,
 *     filled in place and submitted;</li>
 * <li>{@link Transport#RINGBUF_OUTPUT}: the event is built in a one-slot per-CPU array (it is
 *     larger than the 512-byte BPF stack) and copied in with {@code bpf_ringbuf_output};</li>
 * <li>{@link Transport#PERFBUF}: built the same way, sent with {@code bpf_perf_event_output}.</li>
 * </ul>
 * An event that finds no room is counted in the program, whatever the transport ({@link #dropped});
 * a perf buffer's kernel counts it too, and reports it in a LOST record once room is back
 * ({@link #lost}).
 */
public final class ExecTracer implements AutoCloseable {
    /** How events travel from the BPF program to user space. */
    public enum Transport {
        RINGBUF_RESERVE("ringbuf-reserve"),
        RINGBUF_OUTPUT("ringbuf-output"),
        PERFBUF("perfbuf");

        private final String option;

        Transport(String option) {
            this.option = option;
        }

        /** The name the command line uses. */
        public String option() {
            return option;
        }

        public static Transport ofOption(String option) {
            for (Transport transport : values()) {
                if (transport.option.equals(option)) {
                    return transport;
                }
            }
            throw new IllegalArgumentException("unknown transport '" + option + "'; use ringbuf-reserve, "
                    + "ringbuf-output or perfbuf");
        }
    }

    private static final int HEAP_KEY_SLOT = -4;

    private final Transport transport;
    private final Resources resources = new Resources();
    private final DropCounter drops;
    private final EventReader reader;
    private final String memory;
    private final long bytes;
    private final LongSupplier available;
    private final LongSupplier lost;

    /**
     * @param ringSize    ring buffer bytes: a power of 2 and a multiple of the page size
     * @param pagesPerCpu perf buffer data pages per CPU: a power of 2
     * @param sink        receives each event; returns false to stop the current poll
     */
    public ExecTracer(Transport transport, int ringSize, int pagesPerCpu, Predicate<ExecEvent> sink) {
        this.transport = transport;
        try {
            Tracepoint exec = Tracepoint.of("sched", "sched_process_exec");
            drops = own(new DropCounter("exec_drops"));
            Asm asm = new Asm().mov(Reg.R6, Reg.R1);
            if (transport == Transport.RINGBUF_RESERVE) {
                BpfMap ring = own(BpfMap.ringBuf("execs", ringSize));
                reserveInRing(asm, ring, exec);
                RingBufReader ringReader = own(RingBufReader.of(ring, record -> sink.test(ExecEvent.read(record))));
                reader = ringReader;
                memory = "ring buffer " + Sizes.format(ringSize);
                bytes = ringSize;
                available = ringReader.rings().getFirst()::availableBytes;
                lost = () -> 0;
            } else {
                BpfMap heap = own(BpfMap.perCpuArray("exec_heap", ExecEvent.SIZE, 1));
                buildInHeap(asm, heap, exec);
                if (transport == Transport.RINGBUF_OUTPUT) {
                    BpfMap ring = own(BpfMap.ringBuf("execs", ringSize));
                    asm.loadMap(Reg.R1, ring)
                            .mov(Reg.R2, Reg.R7)
                            .mov(Reg.R3, ExecEvent.SIZE)
                            .mov(Reg.R4, 0)
                            .call(Helper.RINGBUF_OUTPUT);
                    RingBufReader ringReader = own(RingBufReader.of(ring, record -> sink.test(ExecEvent.read(record))));
                    reader = ringReader;
                    memory = "ring buffer " + Sizes.format(ringSize);
                    bytes = ringSize;
                    available = ringReader.rings().getFirst()::availableBytes;
                    lost = () -> 0;
                } else {
                    BpfMap perf = own(BpfMap.perfEventArray("execs"));
                    asm.mov(Reg.R1, Reg.R6)
                            .loadMap(Reg.R2, perf)
                            .loadImm64(Reg.R3, Helper.F_CURRENT_CPU)
                            .mov(Reg.R4, Reg.R7)
                            .mov(Reg.R5, ExecEvent.SIZE)
                            .call(Helper.PERF_EVENT_OUTPUT);
                    PerfBufReader perfReader = own(PerfBufReader.builder(perf).pagesPerCpu(pagesPerCpu)
                            .onSample((cpu, sample) -> sink.test(ExecEvent.read(sample))).open());
                    reader = perfReader;
                    bytes = perfReader.buffers().size() * perfReader.bytesPerCpu();
                    memory = "perf buffer " + perfReader.buffers().size() + " CPUs x "
                            + Sizes.format(perfReader.bytesPerCpu()) + " = " + Sizes.format(bytes);
                    available = () -> perfReader.buffers().stream().mapToLong(PerfBufReader.CpuBuffer::availableBytes).sum();
                    lost = perfReader::lost;
                }
                asm.jumpIf(Reg.R0, Jump.EQ, 0, "done");
            }
            asm.label("drop");
            drops.increment(asm).label("done").mov(Reg.R0, 0).exit();
            BpfProgram program = own(BpfProgram.load(ProgramType.TRACEPOINT, "execsnoop", asm));
            own(exec.attach(program));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private <T extends AutoCloseable> T own(T resource) {
        return resources.own(resource);
    }

    /** Reserves the event in the ring (R7), fills it and submits it; a failed reserve jumps to "drop". */
    private static void reserveInRing(Asm asm, BpfMap ring, Tracepoint exec) {
        asm.loadMap(Reg.R1, ring)
                .mov(Reg.R2, ExecEvent.SIZE)
                .mov(Reg.R3, 0)
                .call(Helper.RINGBUF_RESERVE)
                .jumpIf(Reg.R0, Jump.EQ, 0, "drop")
                .mov(Reg.R7, Reg.R0);
        fillEvent(asm, exec);
        asm.mov(Reg.R1, Reg.R7)
                .mov(Reg.R2, 0)
                .call(Helper.RINGBUF_SUBMIT)
                .jump("done");
    }

    /** Looks up the per-CPU heap slot (R7) and fills the event there. */
    private static void buildInHeap(Asm asm, BpfMap heap, Tracepoint exec) {
        asm.store(Size.W, Reg.R10, HEAP_KEY_SLOT, 0)
                .mov(Reg.R2, Reg.R10)
                .alu64(Alu.ADD, Reg.R2, HEAP_KEY_SLOT)
                .loadMap(Reg.R1, heap)
                .call(Helper.MAP_LOOKUP_ELEM)
                .jumpIf(Reg.R0, Jump.EQ, 0, "done")
                .mov(Reg.R7, Reg.R0);
        fillEvent(asm, exec);
    }

    /** Writes pid, comm and filename into the event at R7; the tracepoint context is in R6. */
    private static void fillEvent(Asm asm, Tracepoint exec) {
        Tracepoint.Field filename = exec.field("filename");
        asm.call(Helper.GET_CURRENT_PID_TGID)
                // pid: the thread group id, the upper half of pid_tgid
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
                .call(Helper.PROBE_READ_KERNEL_STR);
    }

    /** Delivers the events committed so far, waiting up to {@code timeout} for some. */
    public int poll(Duration timeout) {
        return reader.poll(timeout);
    }

    /** Makes a running {@link #poll} return; from any thread. */
    public void wakeup() {
        reader.wakeup();
    }

    /** Execs the program found no room for. */
    public long dropped() {
        return drops.count();
    }

    /** Execs the kernel reported lost: a perf buffer's LOST records; 0 for a ring buffer, which counts none. */
    public long lost() {
        return lost.getAsLong();
    }

    /** The bytes of the ring, or of every CPU's perf buffer. */
    public long bufferBytes() {
        return bytes;
    }

    /** Bytes written and not yet read (the reader's lag); from any thread. */
    public long availableBytes() {
        return available.getAsLong();
    }

    public Transport transport() {
        return transport;
    }

    /** The memory the transport holds, e.g. "ring buffer 256K" or "perf buffer 2 CPUs x 32K = 64K". */
    public String memory() {
        return memory;
    }

    /** Detaches the program and releases every map, mapping and fd. */
    @Override
    public void close() {
        resources.close();
    }
}
