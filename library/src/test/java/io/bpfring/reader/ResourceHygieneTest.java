package io.bpfring.reader;

import io.bpfring.bpf.BpfMap;
import io.bpfring.testing.Emitter;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Opening and closing maps, programs and readers returns every fd and mapping. */
class ResourceHygieneTest {
    private static final int ROUNDS = 1000;

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** Mappings of BPF objects: a ring's pages show up as anon_inode:bpf-map. */
    private static long bpfMappings() throws IOException {
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.filter(line -> line.contains("bpf") || line.contains("perf_event")).count();
        }
    }

    private static void round() {
        try (BpfMap ring = BpfMap.ringBuf("hygiene", 16 * 1024);
             Emitter emitter = new Emitter(ring);
             RingBufReader reader = RingBufReader.of(ring, r -> true)) {
            emitter.output(64, 1);
            assertEquals(1, reader.consume());
        }
        try (BpfMap perf = BpfMap.perfEventArray("hygiene_pb");
             PerfBufReader reader = PerfBufReader.builder(perf).pagesPerCpu(1).onSample((cpu, s) -> true).open()) {
            assertEquals(0, reader.consume());
        }
    }

    @Test
    void aThousandReadersWithTheirMapsAndProgramsLeaveNothingBehind() throws IOException {
        Kernel.require();
        round(); // lazily created JVM and library state (thread-local buffers, lookups) first
        long fds = openFds();
        long mappings = bpfMappings();
        for (int i = 0; i < ROUNDS; i++) {
            round();
        }
        assertEquals(fds, openFds(), "open fds");
        assertEquals(mappings, bpfMappings(), "BPF and perf mappings");
    }

    /**
     * Readers and writers made with too few fds left fail half-way, after opening some: they
     * close what they opened. Run in a process of its own, whose fd limit is low enough to fill.
     */
    @Test
    void aConstructorThatFailsHalfWayClosesTheFdsItOpened() throws Exception {
        Kernel.require();
        Process child = new ProcessBuilder("sh", "-c", "ulimit -n 256 && exec \"$@\"", "sh",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                FdExhaustionProcess.class.getName())
                .redirectErrorStream(true).start();
        List<String> lines;
        try (BufferedReader out = child.inputReader()) {
            lines = out.lines().toList();
        } finally {
            child.destroyForcibly();
        }
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, child.exitValue(), String.join("\n", lines));
        Set<String> halfWay = new TreeSet<>();
        for (String line : lines) {
            String[] f = line.split(" "); // kind, free slots, outcome, slots free after
            assertEquals(f[1], f[3], "fds left open: " + line);
            if (!f[1].equals("0") && !f[2].equals("ok")) {
                halfWay.add(f[0]);
            }
        }
        assertEquals(Set.of("perfbuf", "ringbuf", "userringbuf"), halfWay, String.join("\n", lines));
    }

    @Test
    void theMeasuresSeeWhatAnOpenReaderHolds() throws IOException {
        Kernel.require();
        long fds = openFds();
        long mappings = bpfMappings();
        try (BpfMap ring = BpfMap.ringBuf("hygiene", 16 * 1024);
             RingBufReader reader = RingBufReader.of(ring, r -> true)) {
            // map, epoll, eventfd; consumer page and producer-and-data mappings
            assertEquals(fds + 3, openFds());
            assertEquals(mappings + 2, bpfMappings());
        }
        assertEquals(fds, openFds());
        assertEquals(mappings, bpfMappings());
    }
}
