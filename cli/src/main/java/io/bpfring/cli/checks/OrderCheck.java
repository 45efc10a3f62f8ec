package io.bpfring.cli.checks;

import io.bpfring.asm.Asm;
import io.bpfring.asm.Helper;
import io.bpfring.asm.Reg;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.DropCounter;
import io.bpfring.bpf.ProgramType;
import io.bpfring.bpf.Resources;
import io.bpfring.bpf.Tracepoint;
import io.bpfring.perf.PerfBufReader;
import io.bpfring.perf.Reorderer;
import io.bpfring.ringbuf.RingBufReader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.bpfring.asm.Asm.Jump;
import static io.bpfring.asm.Asm.Size;

/**
 * Traces fork, exec and exit of a burst of short-lived processes through a perf buffer and a
 * ring buffer at once (every event goes to both) and measures how each delivers them: events out
 * of timestamp order, and processes seen exiting before their exec.
 *
 * <p>Each program reserves its ring record first, then takes the timestamp, then sends the same
 * record to the perf buffer: the ring's order is the reservation order, so its timestamps rise
 * with it (short of an interrupt in the few instructions between reserve and timestamp).
 */
public final class OrderCheck {
    /** How one transport delivered the events. */
    public record Delivery(String transport, long events, long outOfOrder, long exitBeforeExec) {
    }

    /** What one run found. */
    public record Report(int processes, Delivery ringbuf, Delivery perfbuf, Delivery reordered,
                         long reorderFixed, long reorderLate, Duration window,
                         long ringDrops, long perfDrops, long perfLost) {
    }

    private OrderCheck() {
    }

    /**
     * Runs {@code processes} processes from two threads and reports on both transports, read
     * every {@code readEvery}.
     */
    public static Report run(int processes, Duration window, Duration readEvery, int ringSize, int pagesPerCpu) {
        List<ProcEvent> ring = new ArrayList<>();
        List<ProcEvent> perf = new ArrayList<>();
        List<ProcEvent> reordered = new ArrayList<>();
        Reorderer<ProcEvent> reorderer = new Reorderer<>(window, ProcEvent::ts, reordered::add);
        ProcessBurst burst = new ProcessBurst();
        try (Resources programs = new Resources();
             BpfMap ringMap = BpfMap.ringBuf("order_rb", ringSize);
             BpfMap perfMap = BpfMap.perfEventArray("order_pb");
             DropCounter ringDrops = new DropCounter("rb_drops");
             DropCounter perfDrops = new DropCounter("pb_drops");
             RingBufReader ringReader = RingBufReader.of(ringMap, r -> ring.add(ProcEvent.read(r)));
             PerfBufReader perfReader = PerfBufReader.builder(perfMap).pagesPerCpu(pagesPerCpu)
                     .onSample((cpu, s) -> {
                         ProcEvent event = ProcEvent.read(s);
                         perf.add(event);
                         reorderer.accept(event);
                         return true;
                     }).open()) {
            attach(programs, "sched_process_fork", "child_pid", ProcEvent.FORK, ringMap, perfMap, ringDrops, perfDrops);
            attach(programs, "sched_process_exec", "pid", ProcEvent.EXEC, ringMap, perfMap, ringDrops, perfDrops);
            attach(programs, "sched_process_exit", "pid", ProcEvent.EXIT, ringMap, perfMap, ringDrops, perfDrops);

            AtomicBoolean done = new AtomicBoolean();
            Thread starter = Thread.ofPlatform().start(() -> {
                try {
                    burst.run(processes, 2);
                } finally {
                    done.set(true);
                }
            });
            // A consumer that reads in batches, as one with work to do does: what arrived in
            // between is read together, and the perf buffer's CPUs one after the other.
            while (!done.get()) {
                Threads.sleep(readEvery);
                ringReader.consume();
                perfReader.consume();
            }
            Threads.join(starter);
            programs.close(); // detach: no event after this one
            ringReader.consume();
            perfReader.consume();
            reorderer.flush();
            Set<Integer> ours = burst.pids();
            return new Report(processes,
                    analyse("ringbuf", ring, ours),
                    analyse("perfbuf", perf, ours),
                    analyse("perfbuf+reorder", reordered, ours),
                    reorderer.fixed(), reorderer.late(), window,
                    ringDrops.count(), perfDrops.count(), perfReader.lost());
        }
    }

    private static void attach(Resources resources, String name, String pidField, int type,
                               BpfMap ring, BpfMap perf, DropCounter ringDrops, DropCounter perfDrops) {
        Tracepoint tracepoint = Tracepoint.of("sched", name);
        Asm asm = new Asm()
                .mov(Reg.R6, Reg.R1)
                .loadMap(Reg.R1, ring)
                .mov(Reg.R2, ProcEvent.SIZE)
                .mov(Reg.R3, 0)
                .call(Helper.RINGBUF_RESERVE)
                .jumpIf(Reg.R0, Jump.EQ, 0, "ring_full")
                .mov(Reg.R7, Reg.R0)
                .call(Helper.KTIME_GET_NS)
                .store(Size.DW, Reg.R7, 0, Reg.R0)
                .store(Size.W, Reg.R7, 8, type)
                .load(Size.W, Reg.R1, Reg.R6, tracepoint.field(pidField).offset())
                .store(Size.W, Reg.R7, 12, Reg.R1)
                .call(Helper.GET_SMP_PROCESSOR_ID)
                .store(Size.W, Reg.R7, 16, Reg.R0)
                .store(Size.W, Reg.R7, 20, 0)
                // the same record, to this CPU's perf buffer
                .mov(Reg.R1, Reg.R6)
                .loadMap(Reg.R2, perf)
                .loadImm64(Reg.R3, Helper.F_CURRENT_CPU)
                .mov(Reg.R4, Reg.R7)
                .mov(Reg.R5, ProcEvent.SIZE)
                .call(Helper.PERF_EVENT_OUTPUT)
                .jumpIf(Reg.R0, Jump.EQ, 0, "submit");
        perfDrops.increment(asm)
                .label("submit")
                .mov(Reg.R1, Reg.R7)
                .mov(Reg.R2, 0)
                .call(Helper.RINGBUF_SUBMIT)
                .mov(Reg.R0, 0)
                .exit()
                .label("ring_full");
        ringDrops.increment(asm).mov(Reg.R0, 0).exit();
        BpfProgram program = resources.own(BpfProgram.load(ProgramType.TRACEPOINT, "order_" + type, asm));
        resources.own(tracepoint.attach(program));
    }

    /**
     * Counts events behind the newest timestamp seen, and our processes whose exit came before an
     * exec. An exit stamped before a process's fork is another task's, whose pid it reuses (the
     * exit event names threads too, and pids wrap): it does not count.
     */
    static Delivery analyse(String transport, List<ProcEvent> events, Set<Integer> ours) {
        Map<Integer, Long> forkedAt = new HashMap<>();
        for (ProcEvent event : events) {
            if (event.type() == ProcEvent.FORK && ours.contains(event.pid())) {
                forkedAt.merge(event.pid(), event.ts(), Math::max);
            }
        }
        long outOfOrder = 0;
        long newest = Long.MIN_VALUE;
        Set<Integer> exited = new HashSet<>();
        Set<Integer> exitBeforeExec = new HashSet<>();
        for (ProcEvent event : events) {
            if (event.ts() < newest) {
                outOfOrder++;
            }
            newest = Math.max(newest, event.ts());
            if (!ours.contains(event.pid())) {
                continue;
            }
            if (event.type() == ProcEvent.EXIT && event.ts() >= forkedAt.getOrDefault(event.pid(), Long.MIN_VALUE)) {
                exited.add(event.pid());
            } else if (event.type() == ProcEvent.EXEC && exited.contains(event.pid())) {
                exitBeforeExec.add(event.pid());
            }
        }
        return new Delivery(transport, events.size(), outOfOrder, exitBeforeExec.size());
    }
}
