package io.bpfring.tools;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the command line answers bad input: one line, exit code 2, nothing run. */
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
                "-n", "default", "--rounds", "1", "--warmup", "0", "--round", "10", "--no-fork")
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
                "--rounds", "1", "--warmup", "0");
    }

    @Test
    void perfPagesPerCpuAreAPowerOf2() {
        assertUsageError("--pages-per-cpu", "48", "execsnoop", "-t", "perfbuf", "-p", "48", "-d", "1s");
        assertUsageError("--pages-per-cpu", "0", "order-check", "-p", "0", "-n", "10");
        assertUsageError("--pages-per-cpu", "-64", "bench", "-p", "-64", "-m", "pb-java", "-P", "1",
                "-n", "default", "--rounds", "1", "--warmup", "0", "--round", "10", "--no-fork");
    }
}
