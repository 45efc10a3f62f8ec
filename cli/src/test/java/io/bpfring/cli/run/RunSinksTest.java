package io.bpfring.cli.run;

import io.bpfring.cli.Main;
import io.bpfring.testing.Fixtures;
import io.bpfring.testing.Kernel;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bpfring run writing to a Flight Recorder file, ended by Ctrl-C in a JVM of its own, and with a
 * program whose tracepoint this kernel lacks: real objects, real execs.
 */
class RunSinksTest {
    @TempDir
    Path dir;

    @BeforeEach
    void requireKernel() {
        Kernel.require();
    }

    @Test
    void recordsBecomeFlightRecorderEventsWithOneFieldPerMember() throws Exception {
        Path file = dir.resolve("execs.jfr");
        Cli.Result run = Cli.runWhileExecing("run", Fixtures.object("execsnoop_ringbuf_reserve.bpf.o").toString(),
                "--sink", "jfr:" + file, "-d", "2s");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.out());
        List<RecordedEvent> records = new ArrayList<>();
        long sinkStatistics = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            switch (event.getEventType().getName()) {
                case "bpfring.event" -> records.add(event);
                case "bpfring.SinkStatistics" -> sinkStatistics++;
                default -> {
                }
            }
        }
        assertTrue(run.err().contains("sinks: " + records.size() + " records (ring events: 0 lost); jfr:" + file + ": "
                + records.size() + " delivered, 0 dropped, 0 failed, 0 unsent"), run.err());
        assertTrue(sinkStatistics > 0, "no bpfring.SinkStatistics");
        boolean ours = false;
        for (RecordedEvent event : records) {
            assertEquals("struct event", event.getEventType().getLabel());
            ours |= event.getString("filename").equals("/bin/true") && event.getString("comm").equals(run.comm())
                    && run.pids().contains(event.getLong("pid"));
        }
        assertTrue(ours, "no exec of /bin/true by " + run.comm() + " " + run.pids() + " in " + records);
    }

    @Test
    void aProgramThatCannotAttachIsSkippedAndTheOthersRun() throws Exception {
        Cli.Result run = Cli.runWhileExecing("run", Fixtures.object("missing_tracepoint.bpf.o").toString(), "--json",
                "-d", "2s");
        assertEquals(0, run.exitCode(), run.err());
        List<String> err = run.err().lines().toList();
        assertTrue(err.getFirst().startsWith("warning: skipped missing_tp (section tp/bpfring/no_such_event): "),
                run.err());
        assertEquals(1, err.stream().filter(line -> line.startsWith("warning: ")).count(), run.err());
        assertTrue(run.lines().stream().anyMatch(line -> line.contains("\"comm\":\"" + run.comm() + "\",\"filename\":\"/bin/true\"")),
                "exec_tp did not run: " + run.out());
    }

    /** Sinks connect before the object loads: attaching missing_tp would print a warning line first. */
    @Test
    void anUnreachableBrokerStopsTheRunBeforeAnythingIsLoaded() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Cli.Result run = Cli.run("run", Fixtures.object("missing_tracepoint.bpf.o").toString(),
                "--sink", "kafka://127.0.0.1:" + port + "/execs", "-d", "1s");
        assertEquals(1, run.exitCode(), run.err());
        assertEquals(List.of("bpfring run: kafka://127.0.0.1:" + port + "/execs: no Kafka broker answered at 127.0.0.1:"
                + port + " within 5000 ms"), run.err().lines().toList());
        assertEquals("", run.out());
    }

    /** Ctrl-C (SIGINT) to bpfring run in a JVM of its own: the records so far, the closing line, exit status 130. */
    @Test
    void ctrlCEndsTheRunWithTheClosingLine() throws Exception {
        Interrupted run = interrupt("INT", 130, "run", Fixtures.object("execsnoop_ringbuf_output.bpf.o").toString(), "--json");
        List<String> records = run.out().lines().toList();
        assertTrue(records.size() >= 3, "records: " + records);
        assertEquals(List.of("sinks: " + records.size() + " records (ring events: 0 lost); stdout:json: " + records.size()
                + " delivered, 0 dropped, 0 failed, 0 unsent"), run.err());
    }

    /**
     * Ctrl-C while writing a Flight Recorder file: the JDK's own shutdown hook stops every
     * recording, so the file must be written before it runs, with every record delivered.
     */
    @Test
    void ctrlCLeavesAFlightRecorderFileWithEveryDeliveredRecord() throws Exception {
        Path file = dir.resolve("execs.jfr");
        Interrupted run = interrupt("INT", 130, "run", Fixtures.object("execsnoop_ringbuf_output.bpf.o").toString(),
                "--sink", "jfr:" + file);
        assertEquals(1, run.err().size(), String.join("\n", run.err()));
        Matcher closing = Pattern.compile("sinks: (\\d+) records \\(ring events: 0 lost\\); jfr:" + Pattern.quote(file.toString())
                + ": (\\d+) delivered, 0 dropped, 0 failed, 0 unsent").matcher(run.err().getFirst());
        assertTrue(closing.matches(), run.err().getFirst());
        long delivered = Long.parseLong(closing.group(2));
        assertTrue(delivered >= 3, run.err().getFirst());
        long inFile = RecordingFile.readAllEvents(file).stream()
                .filter(event -> event.getEventType().getName().equals("bpfring.event")).count();
        assertEquals(delivered, inFile, "records in " + file);
    }

    /** SIGTERM (a service manager's stop) ends the run as Ctrl-C does: every record, the closing line, status 143. */
    @Test
    void sigtermEndsTheRunAsCtrlCDoes() throws Exception {
        Interrupted run = interrupt("TERM", 143, "run", Fixtures.object("execsnoop_ringbuf_output.bpf.o").toString(), "--json");
        List<String> records = run.out().lines().toList();
        assertTrue(records.size() >= 3, "records: " + records);
        assertEquals(List.of("sinks: " + records.size() + " records (ring events: 0 lost); stdout:json: " + records.size()
                + " delivered, 0 dropped, 0 failed, 0 unsent"), run.err());
    }

    /** What bpfring printed, in a JVM of its own, when a signal ended it while this test was execing. */
    private record Interrupted(String out, List<String> err) {
    }

    /**
     * Starts bpfring with {@code args} in a JVM of its own, execs /bin/true once it reads, and
     * sends SIG{@code signal} while still execing; checks it exits with {@code status}.
     */
    private static Interrupted interrupt(String signal, int status, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process bpfring = new ProcessBuilder(command).start();
        bpfring.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(bpfring.getInputStream()));
        BufferedReader err = new BufferedReader(new InputStreamReader(bpfring.getErrorStream(), StandardCharsets.UTF_8));
        String banner = err.readLine();
        assertTrue(banner != null && banner.startsWith("Reading events as struct event"), banner);
        for (int i = 0; i < 3; i++) {
            new ProcessBuilder("/bin/true").start().waitFor();
        }
        Thread.sleep(300);
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(bpfring.pid())).start().waitFor());
        // Execs go on while bpfring ends: records read after the signal must be delivered or not counted.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!bpfring.waitFor(10, TimeUnit.MILLISECONDS) && System.nanoTime() - deadline < 0) {
            new ProcessBuilder("/bin/true").start().waitFor();
        }
        assertTrue(bpfring.waitFor(1, TimeUnit.SECONDS), "bpfring did not end on SIG" + signal);
        List<String> rest = err.lines().toList();
        assertEquals(status, bpfring.exitValue(), String.join("\n", rest));
        return new Interrupted(out.get(10, TimeUnit.SECONDS), rest);
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
