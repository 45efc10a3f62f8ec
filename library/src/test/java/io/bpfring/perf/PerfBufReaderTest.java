package io.bpfring.perf;

import io.bpfring.Record;
import io.bpfring.RecordBuffer;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.Cpus;
import io.bpfring.ring.ControlledRecordHandler;
import io.bpfring.ring.RecordView;
import io.bpfring.testing.Emitter;
import io.bpfring.testing.Kernel;
import io.bpfring.testing.PerfEmitter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PerfBufReader against real perf events, fed on each CPU by BPF_PROG_TEST_RUN. */
class PerfBufReaderTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    private BpfMap map;
    private PerfEmitter emitter;
    /** Samples as "cpu:seq". */
    private final List<String> samples = new ArrayList<>();

    @BeforeEach
    void setUp() {
        Kernel.require();
        map = BpfMap.perfEventArray("events");
        emitter = new PerfEmitter(map);
    }

    @AfterEach
    void tearDown() {
        if (emitter != null) {
            emitter.close();
        }
        if (map != null) {
            map.close();
        }
    }

    private boolean collect(int cpu, RecordView sample) {
        samples.add(cpu + ":" + sample.getLong(0));
        return true;
    }

    /** The bytes a raw sample of {@code size} carries: the payload, then padding to keep 8-alignment. */
    private static int paddedSize(int size) {
        return ((size + 4 + 7) & ~7) - 4;
    }

    @Test
    void eachCpuGetsItsOwnSamplesInOrder() throws IOException {
        BitSet online = Cpus.online();
        try (PerfBufReader reader = PerfBufReader.builder(map).onSample(this::collect).open()) {
            assertEquals(online.cardinality(), reader.buffers().size());
            List<String> expected = new ArrayList<>();
            for (int cpu = online.nextSetBit(0); cpu >= 0; cpu = online.nextSetBit(cpu + 1)) {
                for (int i = 0; i < 3; i++) {
                    emitter.output(cpu, 16, cpu * 100 + i);
                    expected.add(cpu + ":" + (cpu * 100 + i));
                }
            }
            assertEquals(expected.size(), reader.poll(LONG));
            assertEquals(expected, samples);
            for (PerfBufReader.CpuBuffer buffer : reader.buffers()) {
                assertEquals("anon_inode:[perf_event]",
                        Files.readSymbolicLink(Path.of("/proc/self/fd/" + buffer.fd())).toString());
                assertEquals(0, buffer.availableBytes());
            }
        }
    }

    /**
     * A controlled handler: ABORT leaves the sample in its CPU's buffer (the next poll delivers
     * it again, at the same position) and ends the poll, BREAK ends the poll after its sample,
     * CONTINUE drains.
     */
    @Test
    void aControlledHandlerAbortsBreaksAndContinues() {
        Deque<ControlledRecordHandler.Action> answers = new ArrayDeque<>(List.of(ControlledRecordHandler.Action.ABORT,
                ControlledRecordHandler.Action.CONTINUE, ControlledRecordHandler.Action.BREAK));
        List<Long> positions = new ArrayList<>();
        try (PerfBufReader reader = PerfBufReader.builder(map).onSampleControlled((cpu, s) -> {
            samples.add(cpu + ":" + s.getLong(0));
            positions.add(s.position());
            return answers.isEmpty() ? ControlledRecordHandler.Action.CONTINUE : answers.poll();
        }).open()) {
            for (int i = 0; i < 4; i++) {
                emitter.output(0, 16, i);
            }
            long before = reader.buffer(0).availableBytes();
            assertEquals(0, reader.poll(LONG), "aborted: nothing consumed");
            assertEquals(List.of("0:0"), samples);
            assertEquals(before, reader.buffer(0).availableBytes());
            assertEquals(2, reader.poll(LONG), "the aborted sample again, then one that breaks");
            assertEquals(List.of("0:0", "0:0", "0:1"), samples);
            assertEquals(positions.get(0), positions.get(1), "the same sample, at the same position");
            assertEquals(2, reader.consume(), "the rest");
            assertEquals(List.of("0:0", "0:0", "0:1", "0:2", "0:3"), samples);
            assertEquals(0, reader.buffer(0).availableBytes());
        }
    }

    private static long seqOf(Record record) {
        return ByteBuffer.wrap(record.bytes()).order(ByteOrder.nativeOrder()).getLong();
    }

    /** Pulled samples: in order with their CPU, the buffer reused, pull and push sharing them. */
    @Test
    void readCopiesSamplesInOrderAndTakesThemFromTheHandler() {
        try (PerfBufReader reader = PerfBufReader.builder(map).onSample(this::collect).open()) {
            for (int i = 0; i < 4; i++) {
                emitter.output(0, 16, i);
            }
            Record first = reader.read(LONG);
            assertEquals(0, first.source());
            assertEquals(0, seqOf(first));
            assertEquals(paddedSize(16), first.length());
            RecordBuffer buffer = new RecordBuffer();
            assertTrue(reader.readInto(buffer, LONG));
            byte[] array = buffer.array();
            assertTrue(reader.readInto(buffer, LONG));
            assertSame(array, buffer.array(), "no new array once the buffer fits");
            assertEquals(2, ByteBuffer.wrap(array).order(ByteOrder.nativeOrder()).getLong());
            assertTrue(buffer.position() > first.position());
            assertEquals(1, reader.poll(LONG), "the rest goes to the handler");
            assertEquals(List.of("0:3"), samples);
            assertEquals(null, reader.read(Duration.ofMillis(20)), "the timeout: nothing");
        }
    }

    /** close() from another thread ends a read that waits, and the stream of samples. */
    @Test
    void closeEndsABlockedReadAndTheStream() throws Exception {
        PerfBufReader reader = PerfBufReader.builder(map).onSample(this::collect).open();
        CompletableFuture<Record> read = CompletableFuture.supplyAsync(() -> reader.read(LONG));
        Thread.sleep(50);
        reader.wakeup();
        assertEquals(null, read.get(2, TimeUnit.SECONDS), "a wakeup ends a read");
        List<Long> streamed = new CopyOnWriteArrayList<>();
        CompletableFuture<Long> stream = CompletableFuture.supplyAsync(() -> reader.records()
                .peek(r -> streamed.add(seqOf(r))).count());
        emitter.output(0, 16, 1);
        emitter.output(0, 16, 2);
        long deadline = System.nanoTime() + LONG.toNanos();
        while (streamed.size() < 2) {
            assertTrue(System.nanoTime() - deadline < 0, "no progress");
            Thread.yield();
        }
        reader.close();
        assertEquals(2, stream.get(2, TimeUnit.SECONDS), "the stream ends at the close");
        assertEquals(List.of(1L, 2L), streamed);
    }

    @Test
    void samplesOfManySizesArriveWholeWithTheKernelsPadding() {
        List<byte[]> got = new ArrayList<>();
        int[] sizes = {1, 4, 7, 8, 9, 100, 1000, 4093, 4096, 10000, 30000};
        try (PerfBufReader reader = PerfBufReader.builder(map).pagesPerCpu(16)
                .onSample((cpu, s) -> got.add(s.toByteArray())).open()) {
            for (int i = 0; i < sizes.length; i++) {
                emitter.output(0, sizes[i], i);
                assertEquals(1, reader.buffer(0).consume(), "size " + sizes[i]);
                byte[] sample = got.get(i);
                assertEquals(paddedSize(sizes[i]), sample.length, "size " + sizes[i]);
                for (int b = sizes[i] < 8 ? 0 : 8; b < sizes[i]; b++) {
                    assertEquals(Emitter.pattern(b), sample[b], "size " + sizes[i] + " byte " + b);
                }
                if (sizes[i] >= 8) {
                    assertEquals(i, java.nio.ByteBuffer.wrap(sample, 0, 8).order(java.nio.ByteOrder.nativeOrder()).getLong());
                }
            }
        }
    }

    @Test
    void samplesThatWrapAtTheEndOfTheDataAreaArriveWhole() {
        int size = 1000;
        int[] wrapped = {0};
        List<Long> seqs = new ArrayList<>();
        try (PerfBufReader reader = PerfBufReader.builder(map).pagesPerCpu(1).onSample((cpu, s) -> {
            seqs.add(s.getLong(0));
            for (int b = 8; b < size; b++) {
                if (s.getByte(b) != Emitter.pattern(b)) {
                    throw new AssertionError("sample " + s.getLong(0) + " byte " + b);
                }
            }
            return true;
        }).open()) {
            long bufferSize = reader.bytesPerCpu();
            long recordSize = 8 + 4 + paddedSize(size);
            int records = (int) (6 * bufferSize / recordSize);
            long position = 0;
            for (int i = 0; i < records; i++) {
                if (position % bufferSize + recordSize > bufferSize) {
                    wrapped[0]++;
                }
                position += recordSize;
                emitter.output(0, size, i);
                assertEquals(1, reader.buffer(0).consume());
            }
            assertEquals(records, seqs.size());
            for (int i = 0; i < records; i++) {
                assertEquals(i, seqs.get(i));
            }
            assertTrue(wrapped[0] >= 5, "samples that wrapped: " + wrapped[0]);
            assertEquals(0, reader.lost());
        }
    }

    @Test
    void aFullBufferReportsTheKernelsLostCount() {
        int size = 1000;
        List<Long> lostReports = new ArrayList<>();
        try (PerfBufReader reader = PerfBufReader.builder(map).pagesPerCpu(1).onSample(this::collect)
                .onLost((cpu, lost) -> lostReports.add(lost)).open()) {
            long recordSize = 8 + 4 + paddedSize(size);
            // The kernel keeps room for its LOST record; send well past what fits.
            int sent = 20;
            for (int i = 0; i < sent; i++) {
                emitter.output(0, size, i);
            }
            int fitted = reader.consume();
            assertTrue(fitted <= reader.bytesPerCpu() / recordSize, samples.toString());
            assertTrue(lostReports.isEmpty(), "the kernel reports a loss with the next sample that fits");
            // The next sample that fits comes after a PERF_RECORD_LOST with the kernel's count.
            emitter.output(0, size, 99);
            assertEquals(1, reader.consume());
            assertEquals(1, lostReports.size());
            assertEquals(sent - fitted, lostReports.getFirst(), "every sample either arrives or is counted lost");
            assertEquals(sent - fitted, reader.lost());
            // The samples that arrived are the first ones, in order, then the one after the loss.
            for (int i = 0; i < fitted; i++) {
                assertEquals("0:" + i, samples.get(i));
            }
            assertEquals("0:99", samples.getLast());
        }
    }

    @Test
    void sampledNotificationWakesOnlyAfterNSamples() throws Exception {
        try (PerfBufReader reader = PerfBufReader.builder(map).wakeupEvents(4).onSample(this::collect).open()) {
            CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> reader.poll(LONG));
            Thread.sleep(50);
            for (int i = 0; i < 3; i++) {
                emitter.output(0, 16, i);
            }
            // Three samples wait in the buffer, but the kernel sends no wake-up before the fourth.
            assertThrows(TimeoutException.class, () -> polled.get(300, TimeUnit.MILLISECONDS));
            assertEquals(3, reader.buffer(0).availableBytes() / 32);
            emitter.output(0, 16, 3);
            assertEquals(4, polled.get(LONG.toSeconds(), TimeUnit.SECONDS));
            assertEquals(List.of("0:0", "0:1", "0:2", "0:3"), samples);
        }
    }

    @Test
    void aWatermarkWakesOnceEnoughBytesWait() throws Exception {
        try (PerfBufReader reader = PerfBufReader.builder(map).watermarkBytes(1024).onSample(this::collect).open()) {
            CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> reader.poll(LONG));
            Thread.sleep(50);
            emitter.output(0, 500, 0);
            assertThrows(TimeoutException.class, () -> polled.get(300, TimeUnit.MILLISECONDS));
            emitter.output(0, 600, 1);
            assertEquals(2, polled.get(LONG.toSeconds(), TimeUnit.SECONDS));
        }
    }

    @Test
    void aHandlerThatReturnsFalseStopsAfterItsSample() {
        try (PerfBufReader reader = PerfBufReader.builder(map).onSample((cpu, s) -> {
            collect(cpu, s);
            return s.getLong(0) != 1;
        }).open()) {
            for (int i = 0; i < 4; i++) {
                emitter.output(0, 16, i);
            }
            assertEquals(2, reader.consume());
            assertEquals(2, reader.consume());
            assertEquals(List.of("0:0", "0:1", "0:2", "0:3"), samples);
        }
    }

    @Test
    void closeFromAnotherThreadEndsPollAtOnce() throws Exception {
        PerfBufReader reader = PerfBufReader.builder(map).onSample(this::collect).open();
        CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> reader.poll(LONG));
        Thread.sleep(50);
        reader.close();
        assertEquals(0, polled.get(2, TimeUnit.SECONDS), "the poll ends at the close, not at its 30 s timeout");
        assertFalse(map.delete(new byte[4]), "the entry of CPU 0 should be gone");
        assertThrows(IllegalStateException.class, () -> reader.poll(LONG));
    }

    @Test
    void closingTakesTheEventsOutOfTheMap() {
        PerfBufReader reader = PerfBufReader.builder(map).onSample(this::collect).open();
        byte[] cpu0 = new byte[4];
        reader.close();
        assertFalse(map.delete(cpu0), "the entry of CPU 0 should be gone");
        assertThrows(IllegalStateException.class, reader::consume);
    }

    @Test
    void onlyPerfEventArraysAndSensibleOptionsAreAccepted() {
        try (BpfMap array = BpfMap.array("notperf", 8, 1)) {
            assertThrows(IllegalArgumentException.class, () -> PerfBufReader.builder(array));
        }
        assertThrows(IllegalArgumentException.class, () -> PerfBufReader.builder(map).pagesPerCpu(3));
        assertThrows(IllegalArgumentException.class, () -> PerfBufReader.builder(map).wakeupEvents(0));
        assertThrows(IllegalStateException.class, () -> PerfBufReader.builder(map).open());
        assertThrows(IllegalArgumentException.class,
                () -> PerfBufReader.builder(map).pagesPerCpu(1).watermarkBytes(1 << 20).onSample(this::collect).open());
    }
}
