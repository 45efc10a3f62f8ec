package io.bpfring.cli.checks;

import io.bpfring.cli.Main;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BurstCheckTest {
    @Test
    void everyEventOfTheBurstIsReceivedOrCountedDropped() {
        Kernel.require();
        BurstCheck.Report report = BurstCheck.run(20_000, 16 * 1024, 64, false, Duration.ofMillis(10));
        for (BurstCheck.Outcome outcome : List.of(report.ringbuf(), report.perfbuf())) {
            assertEquals(20_000, outcome.sent(), outcome.transport());
            assertEquals(outcome.sent(), outcome.received() + outcome.dropped(), outcome.transport());
        }
        assertEquals(16 * 1024, report.ringbuf().memoryBytes());
        assertTrue(report.perfbuf().memoryBytes() <= 16 * 1024, report.perfbuf().memory());
        // The kernel reports a loss in the next sample that finds room: the last losses of a
        // burst stay unreported, so its count trails the program's.
        assertTrue(report.perfLostReported() <= report.perfbuf().dropped(),
                report.perfLostReported() + " reported, " + report.perfbuf().dropped() + " dropped");
    }

    @Test
    void aSmallBurstIntoEnoughMemoryLosesNothing() {
        Kernel.require();
        BurstCheck.Report report = BurstCheck.run(100, 64 * 1024, 32, true, Duration.ZERO);
        assertEquals(100, report.ringbuf().received());
        assertEquals(100, report.perfbuf().received());
    }

    @Test
    void theCommandPrintsATable() {
        Kernel.require();
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute("burst-check", "-n", "1000", "-b", "64K", "--idle", "0"));
        List<String> lines = out.toString().lines().toList();
        assertEquals("burst of 1000 events of 64 bytes from CPU 0, after 0 ms idle", lines.get(0));
        assertTrue(lines.get(3).matches("ringbuf +64K +1000 +\\d+ +\\d+ +\\d+\\.\\d%"), lines.get(3));
        assertTrue(lines.get(4).matches("perfbuf +\\d+ CPUs x \\d+K +1000 +\\d+ +\\d+ +\\d+\\.\\d%"), lines.get(4));
    }
}
