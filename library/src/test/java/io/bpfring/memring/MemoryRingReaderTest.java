package io.bpfring.memring;

import io.bpfring.ClosedException;
import io.bpfring.Record;
import io.bpfring.RecordBuffer;
import io.bpfring.ring.ControlledRecordHandler;
import io.bpfring.ring.Reservation;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reader of a MemoryRing: its bound handler, wakeup, close, the controlled handler. */
class MemoryRingReaderTest {
    /** Long enough never to end a test that works; it only bounds one that hangs. */
    private static final Duration LONG = Duration.ofSeconds(30);

    private final List<Long> seqs = new ArrayList<>();

    private static void put(MemoryRing ring, long seq) {
        Reservation record = ring.reserve(8, LONG);
        assertNotNull(record, "no room");
        record.payload().set(JAVA_LONG, 0, seq);
        record.submit();
    }

    @Test
    void wakeupEndsASleepingPollAndANextOneAfterItDeliveredWhatIsThere() throws Exception {
        try (MemoryRing ring = MemoryRing.inMemory(4096);
             MemoryRingReader reader = ring.reader(r -> seqs.add(r.getLong(0)))) {
            CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> reader.poll(LONG));
            Thread.sleep(50); // let it sleep on the futex; a wakeup before that ends it all the same
            reader.wakeup();
            assertEquals(0, polled.get(2, TimeUnit.SECONDS), "the poll ends at the wakeup, not at its 30 s timeout");
            // A wakeup with no poll running ends the next poll, after it delivered what is there.
            put(ring, 1);
            reader.wakeup();
            assertEquals(1, reader.poll(LONG));
            reader.wakeup();
            assertEquals(0, reader.poll(LONG));
            assertEquals(0, reader.busyPoll(Duration.ofMillis(1)), "the wakeup was taken");
            assertEquals(List.of(1L), seqs);
        }
    }

    @Test
    void oneReaderAtATimeAndClosingItLeavesTheRingOpen() {
        try (MemoryRing ring = MemoryRing.inMemory(4096)) {
            MemoryRingReader first = ring.reader(r -> seqs.add(r.getLong(0)));
            IllegalStateException twice = assertThrows(IllegalStateException.class, () -> ring.reader(r -> true));
            assertTrue(twice.getMessage().contains("reader already"), twice.getMessage());
            put(ring, 1);
            assertEquals(1, first.consume());
            first.close();
            assertThrows(ClosedException.class, first::consume);
            put(ring, 2);
            try (MemoryRingReader second = ring.reader(r -> seqs.add(r.getLong(0)))) {
                assertEquals(1, second.consume());
                assertEquals(ring, second.ring());
            }
            assertEquals(List.of(1L, 2L), seqs);
        }
    }

    @Test
    void closingTheRingClosesItsReader() throws Exception {
        MemoryRing ring = MemoryRing.inMemory(4096);
        MemoryRingReader reader = ring.reader(r -> true);
        CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> reader.poll(LONG));
        Thread.sleep(50);
        ring.close();
        assertEquals(0, polled.get(2, TimeUnit.SECONDS));
        assertThrows(ClosedException.class, () -> reader.poll(LONG));
        assertThrows(ClosedException.class, () -> ring.reader(r -> true));
        reader.close(); // harmless, as is a late wakeup
        reader.wakeup();
    }

    /**
     * ABORT leaves the record in the ring (the next poll delivers it again, at the same position)
     * and ends the poll, BREAK ends the poll after its record, CONTINUE drains: in reclaimed
     * space, so the aborted record must not have been handed back to producers either.
     */
    @Test
    void aControlledHandlerAbortsBreaksAndContinues() {
        Deque<ControlledRecordHandler.Action> answers = new ArrayDeque<>(List.of(ControlledRecordHandler.Action.ABORT,
                ControlledRecordHandler.Action.CONTINUE, ControlledRecordHandler.Action.BREAK));
        List<String> seen = new ArrayList<>();
        try (MemoryRing ring = MemoryRing.inMemory(4096);
             MemoryRingReader reader = ring.controlledReader(r -> {
                 seen.add(r.getLong(0) + "@" + r.position());
                 return answers.isEmpty() ? ControlledRecordHandler.Action.CONTINUE : answers.poll();
             })) {
            for (int i = 0; i < 4; i++) {
                put(ring, i);
            }
            assertEquals(0, reader.poll(LONG), "aborted: nothing consumed");
            assertEquals(List.of("0@0"), seen);
            assertEquals(0, ring.consumerPosition());
            assertEquals(2, reader.poll(LONG), "the aborted record again, then one that breaks");
            assertEquals(List.of("0@0", "0@0", "1@16"), seen);
            assertEquals(32, ring.consumerPosition());
            assertEquals(2, reader.consume(), "the rest");
            assertEquals(List.of("0@0", "0@0", "1@16", "2@32", "3@48"), seen);
            assertEquals(ring.producerPosition(), ring.consumerPosition());
            put(ring, 4);
            assertEquals(1, reader.consume(), "reclaimed space takes records again");
        }
    }

    private static long seqOf(Record record) {
        return ByteBuffer.wrap(record.bytes()).order(ByteOrder.nativeOrder()).getLong();
    }

    /** Pulled records: in order, the buffer reused, pull and push sharing them. */
    @Test
    void readCopiesRecordsInOrderAndTakesThemFromTheHandler() {
        try (MemoryRing ring = MemoryRing.inMemory(4096);
             MemoryRingReader reader = ring.reader(r -> seqs.add(r.getLong(0)))) {
            for (int i = 0; i < 4; i++) {
                put(ring, i);
            }
            Record first = reader.read(LONG);
            assertEquals(new Record(0, 0, first.bytes()), first);
            assertEquals(0, seqOf(first));
            RecordBuffer buffer = new RecordBuffer(8);
            byte[] array = buffer.array();
            assertTrue(reader.readInto(buffer, LONG));
            assertTrue(reader.readInto(buffer, LONG));
            assertSame(array, buffer.array(), "a buffer that fits is never replaced");
            assertEquals(2, ByteBuffer.wrap(array).order(ByteOrder.nativeOrder()).getLong());
            assertEquals(32, buffer.position());
            assertEquals(1, reader.poll(LONG), "the rest goes to the handler");
            assertEquals(List.of(3L), seqs);
            assertEquals(null, reader.read(Duration.ofMillis(20)), "the timeout: nothing");
        }
    }

    /** close() from another thread ends a read that waits, and the stream; so does the ring's close. */
    @Test
    void closeEndsABlockedReadAndTheStream() throws Exception {
        try (MemoryRing ring = MemoryRing.inMemory(4096)) {
            MemoryRingReader reader = ring.reader(r -> true);
            CompletableFuture<Record> read = CompletableFuture.supplyAsync(() -> reader.read(LONG));
            Thread.sleep(50);
            reader.close();
            assertEquals(null, read.get(2, TimeUnit.SECONDS), "the read ends at the close");
            assertThrows(ClosedException.class, () -> reader.read(LONG));
        }
        MemoryRing ring = MemoryRing.inMemory(4096);
        MemoryRingReader reader = ring.reader(r -> true);
        List<Long> streamed = new CopyOnWriteArrayList<>();
        CompletableFuture<Long> stream = CompletableFuture.supplyAsync(() -> reader.records()
                .peek(r -> streamed.add(seqOf(r))).count());
        put(ring, 1);
        reader.wakeup(); // does not end the stream
        put(ring, 2);
        long deadline = System.nanoTime() + LONG.toNanos();
        while (streamed.size() < 2) {
            assertTrue(System.nanoTime() - deadline < 0, "no progress");
            Thread.yield();
        }
        ring.close();
        assertEquals(2, stream.get(2, TimeUnit.SECONDS), "the stream ends at the ring's close");
        assertEquals(List.of(1L, 2L), streamed);
    }
}
