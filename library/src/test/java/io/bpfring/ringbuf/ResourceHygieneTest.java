package io.bpfring.ringbuf;

import io.bpfring.bpf.BpfMap;
import io.bpfring.perf.PerfBufReader;
import io.bpfring.testing.Emitter;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
