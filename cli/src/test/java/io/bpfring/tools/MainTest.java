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
}
