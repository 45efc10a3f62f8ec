package io.bpfring.cli;

import io.bpfring.bpf.Mounts;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * bpfring execsnoop as user nobody, in a JVM of its own started through setpriv: what it is
 * told, end to end, and that the advice is enough.
 */
class UnprivilegedTest {
    private static final String NOBODY = "65534";

    /** Where nobody can read the class path: the build's jars may lie where only root may read. */
    @TempDir
    static Path classes;
    private static String classPath;

    record Run(int exitCode, String out, List<String> err) {
    }

    @BeforeAll
    static void nobodyCanReadTheClassPath() throws IOException {
        Kernel.require();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "no setpriv to drop privileges with");
        Files.setPosixFilePermissions(classes, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isRegularFile(path)) {
                Path copy = Files.copy(path, classes.resolve(entries.size() + "-" + path.getFileName()));
                Files.setPosixFilePermissions(copy, PosixFilePermissions.fromString("rw-r--r--"));
                entries.add(copy.toString());
            } else {
                entries.add(entry);
            }
        }
        classPath = String.join(File.pathSeparator, entries);
    }

    /** Runs bpfring as nobody with only the {@code capabilities} given (like "+bpf,+perfmon"), or none. */
    private static Run asNobody(String capabilities, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups"));
        if (!capabilities.isEmpty()) {
            command.addAll(List.of("--inh-caps=" + capabilities, "--ambient-caps=" + capabilities));
        }
        command.addAll(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", classPath, Main.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(classes.toFile()).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes());
        List<String> err = new String(process.getErrorStream().readAllBytes()).lines().toList();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "bpfring as nobody did not end");
        return new Run(process.exitValue(), out, err);
    }

    @Test
    void nobodyIsToldThatTracefsIsClosedToThemNotThatItIsMissing() throws Exception {
        assumeFalse(Files.getPosixFilePermissions(Mounts.TRACEFS).contains(PosixFilePermission.OTHERS_EXECUTE),
                Mounts.TRACEFS + " is open to every user here");
        Run run = asNobody("", "execsnoop", "-d", "1s");
        assertEquals(1, run.exitCode(), String.join("\n", run.err()));
        assertEquals(List.of("bpfring execsnoop: tracefs at " + Mounts.TRACEFS + " is not open to this user (EACCES): "
                + "run as root, or with CAP_BPF and CAP_PERFMON and read access to " + Mounts.TRACEFS), run.err());
        assertEquals("", run.out());
    }

    @Test
    void nobodyWhoCanReadTracefsIsToldWhatBpfNeeds() throws Exception {
        Run run = asNobody("+dac_read_search", "execsnoop", "-d", "1s");
        assertEquals(1, run.exitCode(), String.join("\n", run.err()));
        assertEquals(1, run.err().size(), String.join("\n", run.err()));
        String line = run.err().getFirst();
        assertTrue(line.startsWith("bpfring execsnoop: bpf(BPF_MAP_CREATE"), line);
        assertTrue(line.contains("EPERM") && line.endsWith("run as root, or grant CAP_BPF and CAP_PERFMON"
                + " (CAP_SYS_ADMIN on kernels before 5.8)"), line);
        assertEquals("", run.out());
    }

    @Test
    void theAdviceIsEnough() throws Exception {
        Run run = asNobody("+bpf,+perfmon,+dac_read_search", "execsnoop", "-d", "1s");
        assertEquals(0, run.exitCode(), String.join("\n", run.err()));
        assertTrue(run.out().startsWith("TIME     EVENT PID"), run.out());
        assertFalse(run.err().isEmpty());
        assertTrue(run.err().getLast().matches("sinks: \\d+ records \\(ring execs: 0 lost, 0 dropped\\); stdout: .*"),
                String.join("\n", run.err()));
    }
}
