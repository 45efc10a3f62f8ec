package io.bpfring.bpf;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlatformTest {
    @Test
    void releasesCompareByTheirLeadingNumbers() {
        assertTrue(Platform.isOlder("5.15.0-91-generic", "6.1"));
        assertTrue(Platform.isOlder("5.4", "5.8"));
        assertTrue(Platform.isOlder("6.0.19", "6.1"));
        assertFalse(Platform.isOlder("6.1", "6.1"));
        assertFalse(Platform.isOlder("6.1.0-rc3", "6.1"));
        assertFalse(Platform.isOlder("6.18.0-1-amd64", "6.1"));
        assertFalse(Platform.isOlder("10.0", "6.19"));
        assertTrue(Platform.isOlder("6.18", "6.19"));
    }

    @Test
    void theRunningKernelAndPageSizeAreTheSystemsOwn() throws IOException, InterruptedException {
        Process uname = new ProcessBuilder("uname", "-r").start();
        String release = new String(uname.getInputStream().readAllBytes()).strip();
        assertEquals(0, uname.waitFor());
        assertEquals(release, Platform.kernelRelease());
        long page = Platform.pageSize();
        assertTrue(page >= 4096 && Long.bitCount(page) == 1, "page size " + page);
    }
}
