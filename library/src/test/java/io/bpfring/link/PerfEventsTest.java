package io.bpfring.link;

import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.Cpus;
import io.bpfring.bpf.ProgramType;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PerfEventsTest {
    @BeforeEach
    void requireKernel() {
        Kernel.require();
    }

    /** Keeps this CPU busy for {@code millis}. */
    private static void spin(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        long x = 0;
        while (System.nanoTime() < end) {
            x += x * 31 + 7;
        }
        if (x == 42) {
            System.out.println(x);
        }
    }

    @Test
    void aCpuClockSamplesOnEveryCpuUntilClosed() throws Exception {
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.PERF_EVENT, "pe_clock", counters.counting(false, 0))) {
            Link link = PerfEvents.attach(program, PerfEvents.Software.CPU_CLOCK, PerfEvents.Sampling.hz(1000));
            assertEquals("software event cpu_clock at 1000 Hz on every CPU", link.target());
            assertEquals(Cpus.online().cardinality() == 1, link.fd() >= 0, "one BPF link fd only on one CPU");
            spin(300);
            // 1000 samples a second on each CPU; a loaded machine may run the spin on less, not on nothing.
            assertTrue(counters.get(0) >= 50, "samples counted in 300 ms: " + counters.get(0));
            counters.assertDetachedOnClose(link, () -> spin(200));
        }
    }

    @Test
    void aPeriodCountsEvents() throws Exception {
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.PERF_EVENT, "pe_switch", counters.counting(false, 0))) {
            try (Link link = PerfEvents.attach(program, PerfEvents.Software.CONTEXT_SWITCHES,
                    PerfEvents.Sampling.every(1))) {
                for (int i = 0; i < 20; i++) {
                    Thread.sleep(1); // each sleep switches this thread out
                }
                assertTrue(counters.get(0) >= 20, "context switches counted: " + counters.get(0));
                assertTrue(link.target().endsWith("every 1 events on every CPU"), link.target());
            }
        }
    }

    @Test
    void wrongProgramsAndSamplingsAreClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> PerfEvents.Sampling.hz(0));
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.KPROBE, "kp", counters.counting(false, 0))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PerfEvents.attach(program, PerfEvents.Software.CPU_CLOCK, PerfEvents.Sampling.hz(10)));
            assertTrue(e.getMessage().endsWith("it is a KPROBE program, and software event cpu_clock at 10 Hz on every"
                    + " CPU runs PERF_EVENT programs"), e.getMessage());
        }
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.PERF_EVENT, "pe", counters.counting(false, 0))) {
            AttachException e = assertThrows(AttachException.class,
                    () -> PerfEvents.attach(program, PerfEvents.Software.CPU_CLOCK, PerfEvents.Sampling.hz(1L << 40)));
            assertTrue(e.getMessage().contains("perf_event_max_sample_rate"), e.getMessage());
        }
    }
}
