package io.bpfring.cli.checks;

import io.bpfring.cli.Main;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrderCheckTest {
    @Test
    void theRingBufferKeepsOrderAndEveryEventIsCountedOnce() {
        Kernel.require();
        OrderCheck.Report report = OrderCheck.run(150, Duration.ofMillis(200), Duration.ofMillis(20), 1 << 20, 64);
        assertEquals(0, report.ringDrops());
        assertEquals(0, report.perfDrops());
        assertEquals(0, report.perfLost());
        // Every event went to both transports: each delivered all of them, once.
        long events = report.ringbuf().events();
        assertTrue(events >= 3 * 150, "events: " + events);
        assertEquals(events, report.perfbuf().events());
        assertEquals(events, report.reordered().events());
        assertEquals(0, report.ringbuf().outOfOrder());
        assertEquals(0, report.ringbuf().exitBeforeExec());
        // The merge puts back what the perf buffer reordered, with a window longer than a read.
        assertEquals(report.perfbuf().outOfOrder(), report.reorderFixed() + report.reorderLate());
        assertEquals(report.reorderLate(), report.reordered().outOfOrder());
        assertEquals(0, report.reorderLate());
    }

    @Test
    void analysisCountsEventsBehindTheNewestAndExitsBeforeExec() {
        List<ProcEvent> events = List.of(
                new ProcEvent(10, ProcEvent.FORK, 7, 0),
                new ProcEvent(30, ProcEvent.EXIT, 7, 1),
                new ProcEvent(20, ProcEvent.EXEC, 7, 0),
                new ProcEvent(25, ProcEvent.EXEC, 8, 0),
                new ProcEvent(40, ProcEvent.EXIT, 8, 0));
        OrderCheck.Delivery delivery = OrderCheck.analyse("t", events, Set.of(7, 8));
        assertEquals(new OrderCheck.Delivery("t", 5, 2, 1), delivery);
        // Processes that are not ours still count for order, not for exit-before-exec.
        assertEquals(new OrderCheck.Delivery("t", 5, 2, 0), OrderCheck.analyse("t", events, Set.of(8)));
        // An exit from before the fork is an older task's that had the pid; one after it counts.
        List<ProcEvent> reused = List.of(
                new ProcEvent(10, ProcEvent.EXIT, 9, 0),
                new ProcEvent(20, ProcEvent.FORK, 9, 0),
                new ProcEvent(30, ProcEvent.EXEC, 9, 0),
                new ProcEvent(40, ProcEvent.EXIT, 9, 0));
        assertEquals(new OrderCheck.Delivery("t", 4, 0, 0), OrderCheck.analyse("t", reused, Set.of(9)));
        List<ProcEvent> late = List.of(reused.get(1), reused.get(3), reused.get(2));
        assertEquals(new OrderCheck.Delivery("t", 3, 1, 1), OrderCheck.analyse("t", late, Set.of(9)));
    }

    @Test
    void theCommandPrintsATableOrJson() {
        Kernel.require();
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(new StringWriter(), true));
        assertEquals(0, cli.execute("order-check", "-n", "40"));
        List<String> lines = out.toString().lines().toList();
        assertEquals("TRANSPORT          EVENTS  OUT-OF-TS-ORDER  EXIT-BEFORE-EXEC", lines.get(0));
        assertTrue(lines.get(1).matches("ringbuf +\\d+ +0 +0"), lines.get(1));
        assertTrue(lines.get(2).matches("perfbuf +\\d+ +\\d+ +\\d+"), lines.get(2));

        StringWriter json = new StringWriter();
        cli.setOut(new PrintWriter(json, true));
        assertEquals(0, cli.execute("order-check", "-n", "40", "--json"));
        assertTrue(json.toString().matches("(?s)\\{\"processes\":40,\"deliveries\":\\[\\{\"transport\":\"ringbuf\","
                + "\"events\":\\d+,\"outOfOrder\":0,\"exitBeforeExec\":0}.*}\\s*"), json.toString());
    }
}
