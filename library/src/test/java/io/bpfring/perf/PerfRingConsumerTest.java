package io.bpfring.perf;

import io.bpfring.CorruptRingException;
import io.bpfring.ring.RecordView;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static io.bpfring.perf.PerfRingConsumer.DATA_HEAD;
import static io.bpfring.perf.PerfRingConsumer.DATA_TAIL;
import static io.bpfring.perf.PerfRingConsumer.PERF_RECORD_LOST;
import static io.bpfring.perf.PerfRingConsumer.PERF_RECORD_SAMPLE;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The perf mmap ring's consume protocol over plain memory, with records written by hand. */
class PerfRingConsumerTest {
    private static final int SIZE = 256;

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment meta = arena.allocate(4096, 8);
    private final MemorySegment data = arena.allocate(SIZE, 8);
    private final PerfRingConsumer consumer = new PerfRingConsumer(meta, data);
    private final List<String> seen = new ArrayList<>();
    private final PerfRecordHandler handler = new PerfRecordHandler() {
        @Override
        public boolean onSample(RecordView sample) {
            assertTrue(seen.size() < SIZE / 8, "more records than the buffer holds");
            seen.add(sample.length() >= 8 ? "sample " + sample.getLong(0) : "short sample " + sample.length());
            return true;
        }

        @Override
        public void onLost(long lost) {
            seen.add("lost " + lost);
        }
    };
    private long writeAt;

    /** Both positions at {@code position}: an empty buffer that has run that far. */
    private void startAt(long position) {
        writeAt = position;
        meta.set(JAVA_LONG, DATA_TAIL, position);
        meta.set(JAVA_LONG, DATA_HEAD, position);
    }

    private void positions(long tail, long head) {
        meta.set(JAVA_LONG, DATA_TAIL, tail);
        meta.set(JAVA_LONG, DATA_HEAD, head);
    }

    /** Writes {@code bytes} at ring position {@code position}, wrapping at the end as the kernel does. */
    private void put(long position, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            data.set(JAVA_BYTE, (position + i) & (SIZE - 1), bytes[i]);
        }
    }

    /**
     * A record whose header says {@code size} bytes, its body from {@code body}: as much of it as
     * fits the buffer.
     */
    private long record(int type, int size, MemorySegment body) {
        MemorySegment record = arena.allocate(Math.clamp(size, 8, SIZE));
        record.set(JAVA_INT_UNALIGNED, 0, type);
        record.set(JAVA_SHORT_UNALIGNED, 6, (short) size);
        MemorySegment.copy(body, 0, record, 8, Math.min(body.byteSize(), record.byteSize() - 8));
        long position = writeAt;
        put(position, record.toArray(JAVA_BYTE));
        writeAt += size;
        meta.set(JAVA_LONG, DATA_HEAD, writeAt);
        return position;
    }

    /** A sample carrying {@code value} as its 8 raw bytes (plus the kernel's 4 bytes of padding). */
    private long sample(long value) {
        MemorySegment body = arena.allocate(16);
        body.set(JAVA_INT_UNALIGNED, 0, 12);
        body.set(JAVA_LONG_UNALIGNED, 4, value);
        return record(PERF_RECORD_SAMPLE, 24, body);
    }

    private long lost(long count) {
        MemorySegment body = arena.allocate(16);
        body.set(JAVA_LONG_UNALIGNED, 8, count);
        return record(PERF_RECORD_LOST, 24, body);
    }

    private CorruptRingException assertCorrupt(String... words) {
        CorruptRingException e = assertThrows(CorruptRingException.class, () -> consumer.consume(handler, Long.MAX_VALUE));
        for (String word : words) {
            assertTrue(e.getMessage().contains(word), e.getMessage());
        }
        return e;
    }

    @Test
    void samplesAndLostRecordsInOrderAcrossTheEnd() {
        startAt(SIZE - 24);
        sample(1); // the last 24 bytes
        lost(5); // from the start
        sample(2);
        startAt(SIZE - 8);
        sample(1); // its header before the end, its body after it
        lost(5);
        sample(2);
        assertEquals(2, consumer.consume(handler, Long.MAX_VALUE));
        assertEquals(List.of("sample 1", "lost 5", "sample 2"), seen);
        assertEquals(writeAt, meta.get(JAVA_LONG, DATA_TAIL));
    }

    @Test
    void positionsAcrossTwoToThe63AndTwoToThe64() {
        for (long start : new long[] {Long.MAX_VALUE - 23, -24}) { // 2^63 - 24, 2^64 - 24
            seen.clear();
            startAt(start);
            sample(1);
            sample(2);
            assertEquals(2, consumer.consume(handler, Long.MAX_VALUE), Long.toUnsignedString(start));
            assertEquals(List.of("sample 1", "sample 2"), seen);
            assertEquals(writeAt, meta.get(JAVA_LONG, DATA_TAIL));
            assertEquals(0, consumer.availableBytes());
        }
    }

    @Test
    void anUnalignedTailNearTheEndIsCorruptNotAnIndexOutOfBounds() {
        positions(SIZE - 4, SIZE + 12);
        assertCorrupt("data_tail", Long.toString(SIZE - 4), "aligned");
        assertTrue(seen.isEmpty());
        assertEquals(SIZE - 4, meta.get(JAVA_LONG, DATA_TAIL));
    }

    @Test
    void anUnalignedHeadIsCorrupt() {
        sample(1);
        positions(0, 28);
        assertCorrupt("data_head", "28", "aligned");
        assertTrue(seen.isEmpty());
    }

    @Test
    void headsBeyondTheBufferOrBehindTheTailAreCorrupt() {
        long[][] positions = {{0, SIZE + 8}, {64, 0}, {Long.MIN_VALUE, Long.MAX_VALUE - 7}, {-8, SIZE}};
        for (long[] pair : positions) {
            PerfRingConsumer fresh = new PerfRingConsumer(meta, data);
            positions(pair[0], pair[1]);
            CorruptRingException e = assertThrows(CorruptRingException.class, () -> fresh.consume(handler, Long.MAX_VALUE));
            assertTrue(e.getMessage().contains("data_head " + Long.toUnsignedString(pair[1])), e.getMessage());
            assertThrows(CorruptRingException.class, () -> fresh.availableBytes());
        }
        assertTrue(seen.isEmpty());
    }

    @Test
    void recordSizesThatCannotBeAreCorrupt() {
        MemorySegment zeros = arena.allocate(SIZE);
        int[] sizes = {0, 4, 12, 20};
        for (int size : sizes) {
            PerfRingConsumer fresh = new PerfRingConsumer(meta, data);
            startAt(0);
            record(PERF_RECORD_SAMPLE, size, zeros);
            writeAt = 32;
            meta.set(JAVA_LONG, DATA_HEAD, writeAt);
            CorruptRingException e = assertThrows(CorruptRingException.class, () -> fresh.consume(handler, Long.MAX_VALUE));
            assertTrue(e.getMessage().contains("size " + size), e.getMessage());
        }
        assertTrue(seen.isEmpty());
    }

    @Test
    void aSampleTooShortForItsRawSizeIsCorruptNotARead() {
        startAt(SIZE - 8); // the record's 8 bytes end the data area: nothing may be read after them
        record(PERF_RECORD_SAMPLE, 8, arena.allocate(0));
        assertCorrupt("size 8", "sample");
        assertTrue(seen.isEmpty());
    }

    @Test
    void aLostRecordTooShortForItsCountIsCorrupt() {
        record(PERF_RECORD_LOST, 16, arena.allocate(8));
        assertCorrupt("size 16", "lost");
        assertTrue(seen.isEmpty());
    }

    @Test
    void aRecordLargerThanWhatIsWrittenOrTheBufferIsCorrupt() {
        record(PERF_RECORD_SAMPLE, 0xfff8, arena.allocate(0));
        writeAt = 64;
        meta.set(JAVA_LONG, DATA_HEAD, writeAt);
        assertCorrupt("size 65528", "data_head 64");
        assertTrue(seen.isEmpty());
    }

    @Test
    void aCorruptBufferStaysCorruptWhenTheKernelMovesOn() {
        sample(1);
        MemorySegment body = arena.allocate(8);
        body.set(JAVA_INT_UNALIGNED, 0, 12);
        long bad = record(PERF_RECORD_SAMPLE, 24, body);
        meta.set(JAVA_LONG, DATA_HEAD, bad + 16); // the record runs past the head
        CorruptRingException first = assertCorrupt("data_head");
        assertEquals(List.of("sample 1"), seen);
        writeAt = bad + 24;
        sample(3);
        for (int i = 0; i < 3; i++) {
            CorruptRingException again = assertThrows(CorruptRingException.class,
                    () -> consumer.consume(handler, Long.MAX_VALUE));
            assertEquals(first.getMessage(), again.getMessage());
        }
        assertEquals(List.of("sample 1"), seen, "nothing delivered after the corruption");
        assertEquals(bad, meta.get(JAVA_LONG, DATA_TAIL));
    }
}
