package io.bpfring.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the command line answers bad input, one line naming the option and the value with exit
 * code 2, before anything runs; and a failure, one line with exit code 1.
 */
class MainTest {
    record Run(int exitCode, String out, List<String> err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString().lines().toList());
    }

    /** Asserts a usage error: exit code 2, one line on stderr that names the option and the value. */
    static String assertUsageError(String option, String value, String... args) {
        Run run = run(args);
        assertEquals(2, run.exitCode(), String.join("\n", run.err()));
        assertEquals(1, run.err().size(), String.join("\n", run.err()));
        String line = run.err().getFirst();
        assertTrue(line.contains("'" + option + "'") && line.contains("'" + value + "'"), line);
        assertEquals("", run.out());
        return line;
    }

    private static String[] concat(String[] first, String[] second, String... third) {
        return Stream.of(first, second, third).flatMap(Arrays::stream).toArray(String[]::new);
    }

    @Test
    void aFailureIsOneLineAndDebugAddsItsStackTrace() {
        Run plain = run("execsnoop", "-t", "carrier-pigeon");
        assertEquals(1, plain.exitCode());
        assertEquals(List.of("bpfring execsnoop: unknown transport 'carrier-pigeon'; use ringbuf-reserve, "
                + "ringbuf-output or perfbuf"), plain.err());
        for (String[] args : List.of(new String[] {"execsnoop", "-t", "carrier-pigeon", "--debug"},
                new String[] {"--debug", "execsnoop", "-t", "carrier-pigeon"})) {
            Run debug = run(args);
            assertEquals(1, debug.exitCode());
            assertEquals(plain.err().getFirst(), debug.err().getFirst());
            assertTrue(debug.err().contains("java.lang.IllegalArgumentException: unknown transport 'carrier-pigeon'; "
                    + "use ringbuf-reserve, ringbuf-output or perfbuf"), String.join("\n", debug.err()));
            assertTrue(debug.err().stream().anyMatch(line -> line.startsWith("\tat io.bpfring.cli.execsnoop.")),
                    String.join("\n", debug.err()));
        }
    }

    @Test
    void mpscForksGetNoOptionOfTheCommandAbove() {
        Run run = run("--debug", "mpsc", "-s", "agrona", "--sizes", "16", "-P", "1", "--rounds", "1", "--warmup-rounds",
                "0", "--slice", "10ms", "--forks", "2", "--json");
        assertEquals(0, run.exitCode(), String.join("\n", run.err()));
        assertTrue(run.out().contains("\"rounds\":2,\"forks\":2"), run.out());
    }

    @Test
    void aValueThatDoesNotParseIsOneLineNamingOptionAndValue() {
        String line = assertUsageError("--count", "many", "execsnoop", "--count", "many");
        assertTrue(line.startsWith("bpfring execsnoop: "), line);
        assertTrue(line.endsWith("(see bpfring execsnoop --help)"), line);
    }

    // Each bad value comes with options that end the run soon, should the value pass.

    @Test
    void aRingSizeIsAPowerOf2UpTo1GForEveryCommand() {
        // 17179869185G wrapped to 1G in a long, and the ring was made with 1G.
        assertTrue(assertUsageError("--ring-size", "17179869185G", "execsnoop", "-r", "17179869185G", "-d", "1s")
                .endsWith("'17179869185G' is more than 1G (see bpfring execsnoop --help)"));
        assertUsageError("--ring-size", "17179869185G", "order-check", "-r", "17179869185G", "-n", "10");
        assertUsageError("--bytes", "17179869185G", "burst-check", "-b", "17179869185G", "-n", "100");
        assertUsageError("--bytes", "3M", "burst-check", "-b", "3M", "-n", "100");
        assertTrue(assertUsageError("--ring-size", "1000", "bench", "-r", "1000", "-m", "rb-java", "-P", "1",
                "-n", "default", "--rounds", "1", "--warmup", "0", "--round", "10ms", "--no-fork")
                .contains("not a power of 2"));
        assertTrue(assertUsageError("--ring-size", "5000", "execsnoop", "--ring-size", "5000", "-d", "1s")
                .contains("try 8K"));
    }

    @Test
    void aDurationPastALongOfNanosecondsOrAZeroRunIsAUsageError() {
        // execsnoop attached, then died of "long overflow"; order-check too.
        assertTrue(assertUsageError("--duration", "3000000h", "execsnoop", "-d", "3000000h")
                .endsWith("'3000000h' is longer than 292 years (see bpfring execsnoop --help)"));
        assertUsageError("--window", "3000000h", "order-check", "-w", "3000000h", "-n", "10");
        assertUsageError("--duration", "0", "execsnoop", "-d", "0");
        assertUsageError("--round", "0", "bench", "--round", "0", "-m", "rb-java", "-P", "1", "-n", "default",
                "--rounds", "1", "--warmup", "0", "--no-fork");
        assertUsageError("--slice", "0ms", "mpsc", "--slice", "0ms", "-s", "agrona", "--sizes", "16", "-P", "1",
                "--rounds", "1", "--warmup-rounds", "0");
    }

    @Test
    void everyDurationIsWrittenWithItsUnit() {
        // --warmup counted milliseconds in bench and rounds in mpsc; -d counted seconds.
        assertTrue(assertUsageError("--warmup", "1000", "bench", "--warmup", "1000", "-m", "rb-java", "-P", "1",
                "-n", "default", "--rounds", "1", "--round", "10ms", "--no-fork")
                .contains("'1000' has no unit: use 1000ms, 1000s, 1000m or 1000h"));
        assertUsageError("--round", "10", "bench", "--round", "10", "-m", "rb-java", "-P", "1", "-n", "default",
                "--rounds", "1", "--warmup", "0", "--no-fork");
        assertUsageError("--slice", "200", "mpsc", "--slice", "200", "-s", "agrona", "--sizes", "16", "-P", "1",
                "--rounds", "1", "--warmup-rounds", "0");
        assertUsageError("--duration", "10", "execsnoop", "-d", "10");
        assertUsageError("--window", "50", "order-check", "-w", "50", "-n", "10");
        assertUsageError("--read-every", "20", "order-check", "-e", "20", "-n", "10");
        assertUsageError("--idle", "100", "burst-check", "--idle", "100", "-n", "100");
    }

    @Test
    void countsAreWholeNumbersInTheirRange() {
        assertUsageError("--count", "-1", "execsnoop", "-c", "-1", "-d", "1s");
        assertUsageError("--count", "0", "execsnoop", "-c", "0", "-d", "1s");
        assertUsageError("--processes", "0", "order-check", "-n", "0");
        // Rounded up to whole batches of 100, the burst wrapped to a negative count and sent nothing.
        assertUsageError("--events", "9223372036854775807", "burst-check", "-n", "9223372036854775807");
        assertUsageError("--event-size", "65001", "burst-check", "-s", "65001", "-n", "100");
        String[] bench = {"-m", "rb-java", "-n", "sampled", "--rounds", "1", "--warmup", "0", "--round", "10ms",
                "--no-fork"};
        // The verifier gave up on the program with a page of its log.
        assertUsageError("--batch", "5000", concat(new String[] {"bench", "-b", "5000", "-P", "1"}, bench));
        assertUsageError("--producers", "0", concat(new String[] {"bench", "-P", "0"}, bench));
        assertUsageError("--rounds", "0", concat(new String[] {"bench", "-P", "1"}, bench, "--rounds", "0"));
        // A wake-up after more samples than the ring holds never came.
        assertTrue(assertUsageError("--sample-rate", "40000",
                concat(new String[] {"bench", "-P", "1", "--sample-rate", "40000"}, bench))
                .contains("never fit a ring of 512K: at most 32767"));
        String[] mpsc = {"-s", "agrona", "--slice", "1ms", "--warmup-rounds", "0"};
        assertUsageError("--producers", "0",
                concat(new String[] {"mpsc", "--sizes", "16", "--rounds", "1", "-P", "0"}, mpsc));
        assertUsageError("--sizes", "4",
                concat(new String[] {"mpsc", "--sizes", "4", "--rounds", "1", "-P", "1"}, mpsc));
        // Each round's figures were allocated up front: more than an array holds.
        assertUsageError("--rounds", "2147483647",
                concat(new String[] {"mpsc", "--sizes", "16", "-P", "1", "--rounds", "2147483647"}, mpsc));
        assertUsageError("--forks", "0", concat(new String[] {"mpsc", "--sizes", "16", "--rounds", "1", "-P", "1",
                "--forks", "0"}, mpsc));
        assertUsageError("--warmup-rounds", "-1", "mpsc", "--warmup-rounds", "-1", "-s", "agrona", "--sizes", "16",
                "-P", "1", "--rounds", "1", "--slice", "1ms");
    }

    @Test
    void perfPagesPerCpuAreAPowerOf2() {
        assertUsageError("--pages-per-cpu", "48", "execsnoop", "-t", "perfbuf", "-p", "48", "-d", "1s");
        assertUsageError("--pages-per-cpu", "0", "order-check", "-p", "0", "-n", "10");
        assertUsageError("--pages-per-cpu", "-64", "bench", "-p", "-64", "-m", "pb-java", "-P", "1",
                "-n", "default", "--rounds", "1", "--warmup", "0", "--round", "10ms", "--no-fork");
    }
}
