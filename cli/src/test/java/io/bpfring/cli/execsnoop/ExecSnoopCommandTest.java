package io.bpfring.cli.execsnoop;

import io.bpfring.cli.Main;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The execsnoop command end to end: real tracepoint, real processes, its printed output. */
class ExecSnoopCommandTest {
    private static final Pattern ROW = Pattern.compile("(\\d\\d:\\d\\d:\\d\\d) (EXEC ) (.{7}) (.{16}) (.*)");
    static final Pattern JSON = Pattern.compile(
            "\\{\"time\":\"\\d\\d:\\d\\d:\\d\\d\",\"event\":\"EXEC\",\"pid\":(\\d+),\"comm\":\"(.*)\",\"filename\":\"(.*)\"}");

    record Run(int exitCode, List<String> out, String err, List<ExecEvent> spawned, ExecBurst burst) {
    }

    @BeforeEach
    void requireKernel() {
        Kernel.require();
    }

    /** Runs the command, no process started by the test. */
    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString().lines().toList(), err.toString(), List.of(), null);
    }

    /** Runs the command while processes keep starting, until it ends by itself. */
    static Run runWhileSpawning(String... args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        try (ExecBurst burst = new ExecBurst()) {
            CompletableFuture<Integer> command = CompletableFuture.supplyAsync(() -> cli.execute(args));
            List<ExecEvent> spawned = List.of();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!command.isDone() && System.nanoTime() < deadline) {
                spawned = burst.run(5);
                Thread.sleep(20);
            }
            int exit = command.get(30, TimeUnit.SECONDS);
            return new Run(exit, out.toString().lines().toList(), err.toString(), spawned, burst);
        }
    }

    @Test
    void printsTheExecsnoopColumnsForEveryExec() throws Exception {
        Run run = runWhileSpawning("execsnoop", "--duration", "1s");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("TIME     EVENT PID     COMM             FILENAME", run.out().getFirst());
        List<ExecEvent> ours = new ArrayList<>();
        for (String line : run.out().subList(1, run.out().size())) {
            Matcher m = ROW.matcher(line);
            assertTrue(m.matches(), "not a row: '" + line + "'");
            ExecEvent event = new ExecEvent(Integer.parseInt(m.group(3).trim()), m.group(4).trim(), m.group(5));
            if (run.burst().owns(event)) {
                ours.add(event);
            }
        }
        // Every process that started while the tracer ran was printed, in order, none twice.
        assertTrue(ours.size() >= 5, "rows of our processes: " + ours.size());
        int first = run.spawned().indexOf(ours.getFirst());
        assertEquals(run.spawned().subList(first, first + ours.size()), ours);
        assertTrue(run.err().startsWith("Tracing execs through ringbuf-reserve (ring buffer 256K)."), run.err());
        assertTrue(run.err().matches("(?s).*\\nsinks: (\\d+) records \\(ring execs: 0 lost, 0 dropped\\); stdout: \\1 delivered, "
                + "0 dropped, 0 failed, 0 unsent\\n"), run.err());
    }

    @Test
    void jsonPrintsOneObjectPerLineAndCountEndsTheRun() throws Exception {
        Run run = runWhileSpawning("execsnoop", "-j", "-c", "12");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(12, run.out().size(), String.join("\n", run.out()));
        for (String line : run.out()) {
            Matcher m = JSON.matcher(line);
            assertTrue(m.matches(), "not an event object: " + line);
            ExecEvent event = new ExecEvent(Integer.parseInt(m.group(1)), m.group(2), m.group(3));
            if (run.burst().owns(event)) {
                assertTrue(run.spawned().contains(event), "unexpected " + event);
            }
        }
        assertTrue(run.err().endsWith("\nsinks: 12 records (ring execs: 0 lost, 0 dropped); stdout:json: 12 delivered, 0 dropped, "
                + "0 failed, 0 unsent\n"), run.err());
    }

    @Test
    void thePerfBufferTransportPrintsTheSameRowsAndItsMemory() throws Exception {
        Run run = runWhileSpawning("execsnoop", "-t", "perfbuf", "-p", "16", "-c", "20");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().matches("(?s)Tracing execs through perfbuf \\(perf buffer \\d+ CPUs x 64K = \\d+K\\)\\..*"),
                run.err());
        assertEquals(21, run.out().size());
        for (String line : run.out().subList(1, run.out().size())) {
            Matcher m = ROW.matcher(line);
            assertTrue(m.matches(), "not a row: '" + line + "'");
            ExecEvent event = new ExecEvent(Integer.parseInt(m.group(3).trim()), m.group(4).trim(), m.group(5));
            if (run.burst().owns(event)) {
                assertTrue(run.spawned().contains(event), "unexpected " + event);
            }
        }
    }

    @Test
    void theLongestDurationRunsUntilTheCountIsReached() throws Exception {
        Run run = runWhileSpawning("execsnoop", "--duration", "2562047h", "--count", "3");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(4, run.out().size(), String.join("\n", run.out()));
    }

    @Test
    void anUnknownTransportIsOneClearMessage() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertEquals(1, cli.execute("execsnoop", "-t", "carrier-pigeon"));
        assertTrue(err.toString().contains("unknown transport 'carrier-pigeon'"), err.toString());
    }

    @Test
    void helpTeachesOptionsAndExamples() {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute("execsnoop", "--help"));
        for (String expected : List.of("--json", "--duration", "--count", "--ring-size", "Examples:", "Columns:")) {
            assertTrue(out.toString().contains(expected), "help lacks " + expected + ":\n" + out);
        }
    }
}
