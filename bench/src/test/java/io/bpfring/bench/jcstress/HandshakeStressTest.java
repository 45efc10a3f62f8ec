package io.bpfring.bench.jcstress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the jcstress tests of the ring handshake (quick mode) in a JVM of their own. */
class HandshakeStressTest {
    @Test
    void jcstressFindsNoForbiddenOutcomeInTheHandshakesAndCatchesTheBrokenControl(@TempDir Path dir) throws Exception {
        Path output = dir.resolve("jcstress.txt");
        Process jcstress = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.openjdk.jcstress.Main",
                "-t", "io.bpfring.bench.jcstress", "-m", "quick", "-v")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertTrue(jcstress.waitFor(10, TimeUnit.MINUTES), "jcstress did not finish");
        String report = Files.readString(output);
        assertTrue(report.contains("[OK] io.bpfring.bench.jcstress.RingHandshakeTest"), report);
        assertFalse(report.contains("[FAILED] io.bpfring.bench.jcstress.RingHandshakeTest"), report);
        assertTrue(report.contains("[OK] io.bpfring.bench.jcstress.ReclaimHandshakeTest"), report);
        assertFalse(report.contains("[FAILED] io.bpfring.bench.jcstress.ReclaimHandshakeTest"), report);
        assertTrue(report.contains("[FAILED] io.bpfring.bench.jcstress.SubmitBeforeWriteTest"),
                "the control that submits before writing must be caught:\n" + report);
    }
}
