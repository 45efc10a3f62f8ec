package io.bpfring.cli.execsnoop;

import io.bpfring.testing.Kernel;
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
            }
        }
    }
}
