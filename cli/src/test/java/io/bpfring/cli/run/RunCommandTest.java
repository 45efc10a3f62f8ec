package io.bpfring.cli.run;

import io.bpfring.testing.Fixtures;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bpfring run on the checked-in exec tracers, on this kernel, while the test execs /bin/true. */
class RunCommandTest {
    private static final Pattern JSON = Pattern.compile(
            "\\{\"pid\":(-?\\d+),\"comm\":\"([^\"]*)\",\"filename\":\"([^\"]*)\"}");
    private static final Pattern ROW = Pattern.compile("(\\d+) +(\\S+) +(\\S.*)");

    @BeforeEach
    void requireKernel() {
        Kernel.require();
    }

    private static String fixture(String name) {
        return Fixtures.object(name).toString();
    }

    /** Whether a record of our exec of /bin/true is among the decoded ones: our child's pid, the shell link's comm. */
    private static boolean sawOurExec(Cli.Result run, List<String[]> records) {
        for (String[] r : records) {
            if (r[2].equals("/bin/true") && r[1].equals(run.comm()) && run.pids().contains(Long.parseLong(r[0]))) {
                return true;
            }
        }
        return false;
    }

    private static List<String[]> jsonRecords(Cli.Result run) {
        return run.lines().stream().map(line -> {
            Matcher m = JSON.matcher(line);
            assertTrue(m.matches(), "not an event object: " + line);
            return new String[]{m.group(1), m.group(2), m.group(3)};
        }).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"execsnoop_ringbuf_reserve.bpf.o", "execsnoop_ringbuf_output.bpf.o",
            "execsnoop_perfbuf.bpf.o"})
    void eachExecTracerPrintsOurExecAsJson(String object) throws Exception {
        Cli.Result run = Cli.runWhileExecing("run", fixture(object), "--json", "-d", "2s");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(sawOurExec(run, jsonRecords(run)), "no exec of /bin/true by " + run.comm() + " " + run.pids()
                + " in\n" + run.out());
        String map = "events";
        assertTrue(run.err().matches("(?s)Reading " + map + " as struct event \\(532 bytes, from "
                + (object.contains("reserve") ? "DWARF" : "\\.BTF") + "\\)\\..*"), run.err());
        int n = run.lines().size();
        assertTrue(run.err().endsWith("sinks: " + n + " records (ring events: 0 lost); stdout:json: " + n
                + " delivered, 0 dropped, 0 failed, 0 unsent\n"), run.err());
    }

    @Test
    void theDwarfOnlyStructPrintsATable() throws Exception {
        Cli.Result run = Cli.runWhileExecing("run", fixture("execsnoop_ringbuf_reserve.bpf.o"), "-d", "2s");
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.lines();
        assertTrue(lines.getFirst().matches("PID +COMM +FILENAME"), lines.getFirst());
        List<String[]> rows = lines.subList(1, lines.size()).stream().map(line -> {
            Matcher m = ROW.matcher(line);
            assertTrue(m.matches(), "not a row: " + line);
            return new String[]{m.group(1), m.group(2), m.group(3).strip()};
        }).toList();
        assertTrue(sawOurExec(run, rows), "no exec of /bin/true by " + run.comm() + " in\n" + run.out());
    }

    @Test
    void countEndsTheRun() throws Exception {
        Cli.Result run = Cli.runWhileExecing("run", fixture("execsnoop_ringbuf_output.bpf.o"), "--json", "-c", "3");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(3, jsonRecords(run).size(), run.out());
        assertTrue(run.err().endsWith("sinks: 3 records (ring events: 0 lost); stdout:json: 3 delivered, 0 dropped, "
                + "0 failed, 0 unsent\n"), run.err());
    }

    @Test
    void anObjectWithoutTheStructSaysHowToAnchorIt() {
        Cli.Result run = Cli.run("run", fixture("linked.bpf.o"));
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("no struct event in ") && run.err().contains(
                "'struct event *unused __attribute__((unused));'") && run.err().contains("-g"), run.err());
        assertOneLine(run);
    }

    @Test
    void setTypesGlobalsAndUnattachableProgramsAreSkipped() {
        Cli.Result run = Cli.run("run", fixture("globals.bpf.o"), "--record", "globals_result",
                "--set", "targ_tgid=1", "--set", "rodata_bool=false", "--set", "rodata_name=other", "-d", "200ms");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("warning: skipped globals_run (section syscall): it attaches only by hand\n"),
                run.err());
        assertTrue(run.err().endsWith("sinks: 0 records (ring odd_ring: 0 lost); stdout: 0 delivered, 0 dropped, "
                + "0 failed, 0 unsent\n"), run.err());
    }

    @Test
    void badInputIsOneLineAndAnExitCode() {
        String tracer = fixture("execsnoop_perfbuf.bpf.o");
        record Case(int exit, String message, String... args) {
        }
        for (Case c : List.of(
                new Case(2, "no such file: no/such.bpf.o", "run", "no/such.bpf.o"),
                new Case(1, "is not a BPF object", "run", Fixtures.directory().resolve("README.md").toString()),
                new Case(1, "no struct nosuch in ", "run", tracer, "--record", "nosuch"),
                new Case(2, "--set takes NAME=VALUE, not 'x'", "run", tracer, "--set", "x"),
                new Case(2, "has no global 'x'", "run", tracer, "--set", "x=1"),
                new Case(2, "is a bool: 'maybe' is not true or false", "run", fixture("globals.bpf.o"),
                        "--record", "globals_result", "--set", "rodata_bool=maybe"),
                new Case(2, "'0s'", "run", tracer, "-d", "0s"))) {
            Cli.Result run = Cli.run(c.args());
            assertEquals(c.exit(), run.exitCode(), String.join(" ", c.args()) + ": " + run.err());
            assertTrue(run.err().contains(c.message()), run.err());
            assertOneLine(run);
        }
    }

    private static void assertOneLine(Cli.Result run) {
        assertEquals(1, run.err().lines().count(), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
        assertEquals("", run.out());
    }
}
