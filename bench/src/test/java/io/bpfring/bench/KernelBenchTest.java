package io.bpfring.bench;

import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every mode of the kernel bench runs and counts, on a short schedule; the figures are not judged. */
class KernelBenchTest {
    @TempDir
    static Path workDir;

    @BeforeAll
    static void requireKernel() {
        Kernel.require();
    }

    private static BenchConfig config(Mode mode, Notify notify) {
        return new BenchConfig(mode, notify, 1, 100, 256 * 1024, 16, 50,
                Duration.ofMillis(100), Duration.ofMillis(200), 2);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void eachModeConsumesWhatTheProducersWrite(Mode mode) {
        StringWriter progress = new StringWriter();
        KernelBench bench = new KernelBench(workDir, new PrintWriter(progress, true));
        for (Notify notify : Notify.values()) {
            BenchResult result = bench.run(config(mode, notify));
            assertEquals(2, result.eventsPerSecond().length);
            for (double rate : result.eventsPerSecond()) {
                assertTrue(rate > 0, mode + " " + notify + ": " + progress);
            }
            assertTrue(progress.toString().contains(mode.label() + " " + notify.label() + " 1p"), progress.toString());
        }
    }

    @Test
    void aForkedRunReportsItsRoundsBack() {
        BenchResult result = BenchFork.run(config(Mode.RB_JAVA, Notify.SAMPLED), workDir);
        assertEquals(2, result.eventsPerSecond().length);
        assertEquals(2, result.dropsPerSecond().length);
        assertTrue(result.medianEvents() > 0);
    }

    @Test
    void theReportHasTheTableTheRatiosAndJson() throws Exception {
        BenchConfig java = config(Mode.RB_JAVA, Notify.DEFAULT);
        BenchConfig libbpf = config(Mode.RB_LIBBPF, Notify.DEFAULT);
        List<BenchResult> results = List.of(
                new BenchResult(java, new double[]{2e6, 4e6, 3e6}, new double[]{0, 0, 0}),
                new BenchResult(libbpf, new double[]{2e6, 2e6, 2e6}, new double[]{1e3, 1e3, 1e3}));
        StringWriter table = new StringWriter();
        BenchReport.table(new PrintWriter(table, true), results);
        assertTrue(table.toString().contains("rb-java       default     1        3.00M    33.3%        0.00M"), table.toString());
        assertTrue(table.toString().contains("rb-java / rb-libbpf       default 1p    1.50"), table.toString());
        assertTrue(BenchReport.json(results).startsWith("[{\"mode\":\"rb-java\",\"notify\":\"default\",\"producers\":1,"
                + "\"batch\":100,\"eventsPerSecond\":3000000,\"spread\":0.3333,"), BenchReport.json(results));

        Path png = workDir.resolve("chart.png");
        BenchChart.write(results, png);
        byte[] header = Files.readAllBytes(png);
        assertTrue(header.length > 1000);
        assertEquals((byte) 0x89, header[0]);
        assertEquals('P', header[1]);
    }
}
