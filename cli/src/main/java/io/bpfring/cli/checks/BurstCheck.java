package io.bpfring.cli.checks;

import io.bpfring.EventReader;
import io.bpfring.asm.Asm;
import io.bpfring.asm.Helper;
import io.bpfring.asm.Reg;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.Cpus;
import io.bpfring.bpf.DropCounter;
import io.bpfring.bpf.Platform;
import io.bpfring.bpf.ProgramType;
import io.bpfring.cli.Sizes;
import io.bpfring.perf.PerfBufReader;
import io.bpfring.ringbuf.RingBufReader;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.bpfring.asm.Asm.Alu;
import static io.bpfring.asm.Asm.Jump;

/**
 * Drives a bursty load (idle, then a burst of events) into a ring buffer of B bytes and into a
 * perf buffer with the same B bytes split over the CPUs, and counts what each dropped. Every
 * event goes to both: one program, run by BPF_PROG_TEST_RUN on a chosen CPU, writes a batch of
 * events to each transport; each transport has its own consumer thread.
 */
public final class BurstCheck {
    /** Events one program run writes. */
    static final int BATCH = 100;

    /** What one transport did with the burst. */
    public record Outcome(String transport, String memory, long memoryBytes, long sent, long received,
                          long dropped) {
    }

    /** What one run found. */
    public record Report(int eventSize, boolean spread, Duration idle, Outcome ringbuf, Outcome perfbuf,
                         long perfLostReported) {
    }

    private BurstCheck() {
    }

    /**
     * @param events    events in the burst (rounded up to a whole batch)
     * @param bytes     memory of each transport: a power of 2 and a multiple of the page size
     * @param eventSize bytes of each event
     * @param spread    spread the burst over every CPU instead of sending it all from CPU 0
     */
    public static Report run(long events, int bytes, int eventSize, boolean spread, Duration idle) {
        BitSet online = Cpus.online();
        int cpus = online.cardinality();
        long page = Platform.pageSize();
        long perCpu = Long.highestOneBit(Math.max(page, bytes / cpus));
        int pagesPerCpu = (int) (perCpu / page);
        long batches = (events + BATCH - 1) / BATCH;
        try (BpfMap ring = BpfMap.ringBuf("burst_rb", bytes);
             BpfMap perf = BpfMap.perfEventArray("burst_pb");
             BpfMap payload = BpfMap.array("burst_event", eventSize, 1);
             DropCounter ringDrops = new DropCounter("rb_drops");
             DropCounter perfDrops = new DropCounter("pb_drops");
             BpfProgram program = BpfProgram.load(ProgramType.RAW_TRACEPOINT, "burst",
                     program(ring, perf, payload, eventSize, ringDrops, perfDrops))) {
            AtomicLong ringReceived = new AtomicLong();
            AtomicLong perfReceived = new AtomicLong();
            AtomicBoolean done = new AtomicBoolean();
            try (RingBufReader ringReader = RingBufReader.of(ring, r -> {
                ringReceived.incrementAndGet();
                return true;
            });
                 PerfBufReader perfReader = PerfBufReader.builder(perf).pagesPerCpu(pagesPerCpu)
                         .onSample((cpu, s) -> {
                             perfReceived.incrementAndGet();
                             return true;
                         }).open()) {
                Thread ringConsumer = consumer(ringReader, done);
                Thread perfConsumer = consumer(perfReader, done);
                Threads.sleep(idle);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment ctx = arena.allocate(8, 8);
                    int cpu = online.nextSetBit(0);
                    for (long b = 0; b < batches; b++) {
                        program.testRun(ctx, cpu);
                        if (spread) {
                            cpu = online.nextSetBit(cpu + 1);
                            cpu = cpu < 0 ? online.nextSetBit(0) : cpu;
                        }
                    }
                }
                done.set(true);
                ringReader.wakeup();
                perfReader.wakeup();
                Threads.join(ringConsumer);
                Threads.join(perfConsumer);
                ringReader.consume();
                perfReader.consume();
                long sent = batches * BATCH;
                long perfBytes = perCpu * perfReader.buffers().size();
                return new Report(eventSize, spread, idle,
                        new Outcome("ringbuf", Sizes.format(bytes), bytes, sent,
                                ringReceived.get(), ringDrops.count()),
                        new Outcome("perfbuf", perfReader.buffers().size() + " CPUs x "
                                + Sizes.format(perCpu), perfBytes, sent,
                                perfReceived.get(), perfDrops.count()),
                        perfReader.lost());
            }
        }
    }

    private static Asm program(BpfMap ring, BpfMap perf, BpfMap payload, int eventSize,
                               DropCounter ringDrops, DropCounter perfDrops) {
        Asm asm = new Asm()
                .mov(Reg.R6, Reg.R1)
                .loadMapValue(Reg.R8, payload, 0)
                .mov(Reg.R9, 0)
                .label("loop")
                .loadMap(Reg.R1, ring)
                .mov(Reg.R2, Reg.R8)
                .mov(Reg.R3, eventSize)
                .mov(Reg.R4, 0)
                .call(Helper.RINGBUF_OUTPUT)
                .jumpIf(Reg.R0, Jump.EQ, 0, "perf");
        ringDrops.increment(asm)
                .label("perf")
                .mov(Reg.R1, Reg.R6)
                .loadMap(Reg.R2, perf)
                .loadImm64(Reg.R3, Helper.F_CURRENT_CPU)
                .mov(Reg.R4, Reg.R8)
                .mov(Reg.R5, eventSize)
                .call(Helper.PERF_EVENT_OUTPUT)
                .jumpIf(Reg.R0, Jump.EQ, 0, "next");
        return perfDrops.increment(asm)
                .label("next")
                .alu64(Alu.ADD, Reg.R9, 1)
                .jumpIf(Reg.R9, Jump.LT, BATCH, "loop")
                .mov(Reg.R0, 0)
                .exit();
    }

    private static Thread consumer(EventReader reader, AtomicBoolean done) {
        return Thread.ofPlatform().start(() -> {
            while (!done.get()) {
                reader.poll(Duration.ofMillis(100));
            }
        });
    }
}
