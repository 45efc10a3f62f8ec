package io.bpfring.cli.run;

import io.bpfring.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bpfring inspect and bpfring gen record on the checked-in objects (no kernel needed). */
class InspectAndGenTest {
    private static String fixture(String name) {
        return Fixtures.object(name).toString();
    }

    @Test
    void inspectListsTheExecTracersProgramsMapsAndStruct() {
        Cli.Result run = Cli.run("inspect", fixture("execsnoop_perfbuf.bpf.o"));
        assertEquals(0, run.exitCode(), run.err());
        String out = run.out();
        assertTrue(out.matches("(?s).*\\n  \\d+ +tp/syscalls/sys_enter_execve +PROGBITS +AX +328\\n.*"), out);
        assertTrue(out.matches("(?s).*\\n  execsnoop_perfbuf +tp/syscalls/sys_enter_execve +TRACEPOINT +"
                + "tracepoint syscalls/sys_enter_execve +41\\n.*"), out);
        assertTrue(out.matches("(?s).*\\n  heap +PERCPU_ARRAY +4 +532 +1 +0x0\\n.*"), out);
        assertTrue(out.matches("(?s).*\\n  events +PERF_EVENT_ARRAY +4 +4 +0 +0x0\\n.*"), out);
        assertTrue(out.matches("(?s).*\\n  drops +ARRAY +4 +8 +1 +0x0\\n.*"), out);
        assertTrue(out.contains("struct event {\n\tpid_t pid;\n\tchar comm[16];\n\tchar filename[512];\n};\n"), out);
    }

    @Test
    void inspectListsTheStructsOnlyDwarfHasApartFromTheBtfOnes() {
        String event = "struct event {\n\tpid_t pid;\n\tchar comm[16];\n\tchar filename[512];\n};\n";
        // The reserve variant's .BTF lacks struct event (only its DWARF has it); the perfbuf variant's has it.
        Cli.Result dwarfOnly = Cli.run("inspect", fixture("execsnoop_ringbuf_reserve.bpf.o"));
        assertEquals(0, dwarfOnly.exitCode(), dwarfOnly.err());
        String out = dwarfOnly.out();
        int btf = out.indexOf("\nStructs (.BTF):\n");
        int dwarf = out.indexOf("\nStructs (DWARF only, not in .BTF):\n");
        assertTrue(btf >= 0 && dwarf > btf, out);
        assertTrue(out.indexOf(event) > dwarf, out);

        Cli.Result both = Cli.run("inspect", fixture("execsnoop_perfbuf.bpf.o"));
        assertEquals(0, both.exitCode(), both.err());
        out = both.out();
        dwarf = out.indexOf("\nStructs (DWARF only, not in .BTF):\n");
        assertTrue(dwarf > 0 && out.indexOf(event) < dwarf && out.indexOf(event, dwarf) < 0,
                "listed once, from .BTF:\n" + out);

        Cli.Result json = Cli.run("inspect", fixture("execsnoop_ringbuf_reserve.bpf.o"), "--json");
        assertEquals(0, json.exitCode(), json.err());
        assertTrue(json.out().contains("{\"name\":\"event\",\"from\":\"DWARF\",\"c\":\"struct event {"), json.out());
    }

    @Test
    void inspectShowsGlobalsWithTheirValues() {
        Cli.Result run = Cli.run("inspect", fixture("globals.bpf.o"));
        assertEquals(0, run.exitCode(), run.err());
        for (String line : List.of(".rodata    const volatile int rodata_int = 42",
                ".rodata    const volatile enum fixture_mode rodata_mode = FIXTURE_MODE_ECHO",
                ".rodata    const volatile char rodata_name[16] = fixture",
                ".data      int data_int = 1234")) {
            assertTrue(run.out().contains("\n  " + line + "\n"), run.out());
        }
    }

    @Test
    void inspectJsonIsOneObject() {
        Cli.Result run = Cli.run("inspect", fixture("execsnoop_ringbuf_reserve.bpf.o"), "--json");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(1, run.lines().size());
        assertTrue(run.out().contains("{\"name\":\"execsnoop_ringbuf_reserve\",\"section\":\"tp/syscalls/sys_enter_execve\","
                + "\"type\":\"TRACEPOINT\",\"attach\":\"TRACEPOINT\",\"target\":\"syscalls/sys_enter_execve\""), run.out());
        assertTrue(run.out().contains("{\"name\":\"events\",\"type\":\"RINGBUF\",\"key_size\":0,\"value_size\":0,"
                + "\"max_entries\":262144,\"flags\":0}"), run.out());
    }

    @Test
    void genRecordCompiles(@TempDir Path classes) {
        // From DWARF: the reserve variant's .BTF has no struct event.
        Cli.Result run = Cli.run("gen", "record", fixture("execsnoop_ringbuf_reserve.bpf.o"), "--struct", "event",
                "--package", "org.example.exec", "--class", "ExecEvent");
        assertEquals(0, run.exitCode(), run.err());
        String source = run.out();
        assertTrue(source.contains("public record ExecEvent(int pid, String comm, String filename)"), source);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> problems = new DiagnosticCollector<>();
        JavaFileObject unit = new SimpleJavaFileObject(URI.create("string:///org/example/exec/ExecEvent.java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        try (StandardJavaFileManager files = javac.getStandardFileManager(problems, null, null)) {
            boolean ok = javac.getTask(null, files, problems, List.of("-d", classes.toString()), null, List.of(unit))
                    .call();
            assertTrue(ok, problems.getDiagnostics().toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertTrue(Files.isRegularFile(classes.resolve("org/example/exec/ExecEvent.class")));
        assertTrue(Files.isRegularFile(classes.resolve("org/example/exec/ExecEvent$View.class")));
    }

    @Test
    void genRecordOfAMissingStructSaysHowToAnchorIt() {
        Cli.Result run = Cli.run("gen", "record", fixture("linked.bpf.o"));
        assertEquals(1, run.exitCode());
        assertTrue(run.err().contains("no struct event in ") && run.err().contains("__attribute__((unused))"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }

    @Test
    void inspectOfAMissingFileIsAUsageError() {
        Cli.Result run = Cli.run("inspect", "no/such.bpf.o");
        assertEquals(2, run.exitCode());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains("no such file: no/such.bpf.o"), run.err());
    }
}
