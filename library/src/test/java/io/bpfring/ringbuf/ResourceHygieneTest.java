package io.bpfring.ringbuf;

import io.bpfring.memring.MemoryRing;
import io.bpfring.memring.MemoryRingReader;

import io.bpfring.bpf.BpfMap;
import io.bpfring.perf.PerfBufReader;
import io.bpfring.testing.Emitter;
import io.bpfring.testing.Jvm;
import io.bpfring.testing.Kernel;
import io.bpfring.testing.PerfEmitter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

/** Opening and closing maps, programs, readers and rings returns every fd and mapping. */
class ResourceHygieneTest {
    private static final int ROUNDS = 1000;
    /** Open/close cycles of each ring kind: 10^4 take about 25 s in all; below a hundred the slacks hide a leak. */
    private static final int CYCLES = Integer.getInteger("bpfring.leak.cycles", 10_000);
    /**
     * What the JVM itself may open or map while the cycles run, and keep: a jar or class file for
     * a class loaded for the first time, a new heap region or code cache segment, a thread's
     * stack and guard page. It does not grow with the cycles; a leak of one fd or mapping per
     * cycle shows as thousands.
     */
    private static final int FD_SLACK = 8;
    private static final int MAPPING_SLACK = 64;

    @TempDir
    Path dir;

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

    /** Every mapping of the process. */
    private static long allMappings() throws IOException {
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.count();
        }
    }

    /** Runs {@link #CYCLES} cycles of {@code cycle}: the fds and mappings are where they started. */
    private static void assertCyclesLeaveNothing(Runnable cycle) throws IOException {
        cycle.run(); // lazily created JVM and library state first
        long fds = openFds();
        long mappings = allMappings();
        for (int i = 0; i < CYCLES; i++) {
            cycle.run();
        }
        long moreFds = openFds() - fds;
        long moreMappings = allMappings() - mappings;
        assertTrue(moreFds <= FD_SLACK, moreFds + " more fds after " + CYCLES + " cycles");
        assertTrue(moreMappings <= MAPPING_SLACK, moreMappings + " more mappings after " + CYCLES + " cycles");
    }

    @Test
    void ringBufReaderCycles() throws IOException {
        Kernel.require();
        try (BpfMap ring = BpfMap.ringBuf("hygiene", 16 * 1024);
             Emitter emitter = new Emitter(ring)) {
            assertCyclesLeaveNothing(() -> {
                try (RingBufReader reader = RingBufReader.of(ring, r -> true)) {
                    emitter.output(64, 1);
                    assertEquals(1, reader.consume());
                }
            });
        }
    }

    @Test
    void perfBufReaderCycles() throws IOException {
        Kernel.require();
        try (BpfMap perf = BpfMap.perfEventArray("hygiene_pb");
             PerfEmitter emitter = new PerfEmitter(perf)) {
            assertCyclesLeaveNothing(() -> {
                try (PerfBufReader reader = PerfBufReader.builder(perf).pagesPerCpu(1)
                        .onSample((cpu, s) -> true).open()) {
                    emitter.output(0, 64, 1);
                    assertEquals(1, reader.consume());
                }
            });
        }
    }

    @Test
    void userRingBufWriterCycles() throws IOException {
        Kernel.require();
        try (BpfMap userRing = BpfMap.userRingBuf("hygiene_urb", 16 * 1024)) {
            assertCyclesLeaveNothing(() -> {
                try (UserRingBufWriter writer = new UserRingBufWriter(userRing)) {
                    assertTrue(writer.maxLength() > 0);
                }
            });
        }
    }

    @Test
    void inMemoryRingCycles() throws IOException {
        assertCyclesLeaveNothing(() -> {
            try (MemoryRing ring = MemoryRing.inMemory(4096)) {
                assertTrue(ring.output(new byte[16]));
                try (MemoryRingReader reader = ring.reader(r -> true)) {
                    assertEquals(1, reader.consume());
                }
            }
        });
    }

    @Test
    void sharedFileRingCycles() throws IOException {
        Path file = dir.resolve("ring");
        assertCyclesLeaveNothing(() -> {
            try (MemoryRing consumer = MemoryRing.create(file, 4096);
                 MemoryRing producer = MemoryRing.open(file);
                 MemoryRingReader reader = consumer.reader(r -> true)) {
                assertTrue(producer.output(new byte[16]));
                assertEquals(1, reader.consume());
            }
        });
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
                "--enable-native-access=ALL-UNNAMED", "-cp", Jvm.classPath(),
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
