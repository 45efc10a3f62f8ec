package io.bpfring.cli.execsnoop;

import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecTracerTest {
    private static final int PROCESSES = 200;

    /** Every transport sees every process with the same rows; the ring buffer in start order. */
    @ParameterizedTest
    @EnumSource(ExecTracer.Transport.class)
    void everyExecOfABurstIsSeenInOrderWithItsPidCommAndFilename(ExecTracer.Transport transport) throws Exception {
        Kernel.require();
        List<ExecEvent> seen = new ArrayList<>();
        try (ExecBurst burst = new ExecBurst()) {
            AtomicBoolean done = new AtomicBoolean();
            try (ExecTracer tracer = new ExecTracer(transport, 256 * 1024, 64, event -> {
                if (burst.owns(event)) {
                    seen.add(event);
                    if (seen.size() == PROCESSES) {
                        done.set(true);
                    }
                }
                return true;
            })) {
                // One consuming thread reads while the processes start.
                CompletableFuture<Void> consumer = CompletableFuture.runAsync(() -> {
                    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                    while (!done.get() && System.nanoTime() < deadline) {
                        tracer.poll(Duration.ofMillis(100));
                    }
                });
                List<ExecEvent> expected = burst.run(PROCESSES);
                consumer.get(90, TimeUnit.SECONDS);
                if (transport == ExecTracer.Transport.PERFBUF) {
                    // Per-CPU buffers: each CPU's events in order, the CPUs' streams interleaved.
                    assertEquals(new HashSet<>(expected), new HashSet<>(seen));
                    assertEquals(expected.size(), seen.size());
                } else {
                    assertEquals(expected, seen);
                }
                assertEquals(0, tracer.dropped());
                assertEquals(0, tracer.lost());
            }
        }
    }

    /**
     * A full perf buffer: the program counts what it could not output (dropped), and the kernel
     * counts the same records and reports them in a LOST record once there is room (lost).
     */
    @Test
    void aFullPerfBufferIsBothDroppedByTheProgramAndLostByTheKernel() throws Exception {
        Kernel.require();
        try (ExecBurst burst = new ExecBurst();
             ExecTracer tracer = new ExecTracer(ExecTracer.Transport.PERFBUF, 256 * 1024, 1, event -> true)) {
            burst.run(PROCESSES); // one page per CPU holds a few execs; nothing reads meanwhile
            assertTrue(tracer.dropped() > 0, "nothing dropped");
            while (tracer.poll(Duration.ZERO) > 0) {
                // empty every CPU's buffer
            }
            // The next output on a CPU that lost writes the LOST record first.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (tracer.lost() == 0 && System.nanoTime() < deadline) {
                burst.run(10);
                tracer.poll(Duration.ofMillis(10));
            }
            assertTrue(tracer.lost() > 0, "no LOST record read");
            assertTrue(tracer.lost() <= tracer.dropped(), tracer.lost() + " lost, " + tracer.dropped() + " dropped");
        }
    }
}
