package io.bpfring.bpf;

import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MountsTest {
    @Test
    void aMissingTracefsIsMountedWhenATracepointIsNeeded() throws Exception {
        Kernel.require();
        Assumptions.assumeTrue(Files.isDirectory(Mounts.TRACEFS.resolve("events")),
                "tracefs is reached elsewhere on this system: nothing to unmount");
        Process umount = new ProcessBuilder("umount", Mounts.TRACEFS.toString()).redirectErrorStream(true).start();
        String output = new String(umount.getInputStream().readAllBytes());
        assertEquals(0, umount.waitFor(), "could not unmount tracefs to test mounting it: " + output);
        assertFalse(Files.isDirectory(Mounts.TRACEFS.resolve("events")));

        Tracepoint exec = Tracepoint.of("sched", "sched_process_exec");

        assertTrue(exec.id() > 0);
        assertTrue(Files.isDirectory(Mounts.TRACEFS.resolve("events")));
    }
}
