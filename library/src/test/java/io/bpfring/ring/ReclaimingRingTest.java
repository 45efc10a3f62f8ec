package io.bpfring.ring;

import io.bpfring.CorruptRingException;
import io.bpfring.sys.Sys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lock-free producers and the reclaiming consumer over a ring mapped as the kernel maps one
 * (consumer page, producer page, data twice).
 */
class ReclaimingRingTest {
    private static final int SIZE = 4096;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment data;
    private final RingProducer producer;
    private final RingConsumer consumer;
    private final List<Long> seen = new ArrayList<>();

    ReclaimingRingTest() {
        long page = Sys.pageSize();
        int fd = Sys.memfdCreate("reclaiming-ring-test");
        try {
            Sys.ftruncate(fd, 2 * page + SIZE, "ftruncate(test ring)");
            MemorySegment mapping = Sys.mapDoubled(arena, fd, 2 * page, SIZE, "mmap(test ring)");
            consumerPage = mapping.asSlice(0, page);
            producerPage = mapping.asSlice(page, page);
            data = mapping.asSlice(2 * page, 2 * SIZE);
        } finally {
            Sys.close(fd);
        }
        data.asSlice(0, SIZE).fill(RingLayout.UNCLAIMED);
        producer = RingProducer.lockFree(consumerPage, producerPage, data, SIZE, 7);
        consumer = RingConsumer.reclaiming(consumerPage, producerPage, data, SIZE);
    }

    @AfterEach
    void unmap() {
        arena.close();
    }

    private long put(long value, int length) {
        long position = producer.reserve(length);
        assertTrue(position != -1, "no room"); // positions from 2^63 on are negative as longs
        data.set(JAVA_LONG, producer.payloadOffset(position), value);
        producer.submit(position, Wakeup.NO_WAKEUP);
        return position;
    }

    private boolean collect(RecordView record) {
        seen.add(record.getLong(0));
        return true;
    }

    private void assertUnclaimed(long from, long to) {
        for (long position = from; position < to; position++) {
            assertEquals(RingLayout.UNCLAIMED, data.get(JAVA_BYTE, position & (SIZE - 1)), "byte at position " + position);
        }
    }

    @Test
    void consumedSpaceIsHandedBackUnclaimedBeforeThePositionIsPublished() {
        put(1, 8);
        put(2, 20);
        long third = put(3, 8);
        assertEquals(2, consumer.consume(this::collect, 2));
        assertEquals(List.of(1L, 2L), seen);
        assertEquals(third, consumer.consumerPosition());
        assertUnclaimed(0, third);
        assertEquals(3, data.get(JAVA_LONG, producer.payloadOffset(third)), "the record not consumed is intact");
    }

    @Test
    void recordsThatWrapStayContiguousAndTheWholeRingIsReclaimedLapAfterLap() {
        long value = 0;
        for (int lap = 0; lap < 20; lap++) {
            // 200-byte records: the ring never ends on a record boundary, so records wrap.
            for (long position; (position = producer.reserve(200)) >= 0; ) {
                data.set(JAVA_LONG, producer.payloadOffset(position), value++);
                data.set(JAVA_LONG, producer.payloadOffset(position) + 192, -value);
                producer.submit(position, Wakeup.ADAPTIVE);
            }
            consumer.consume(record -> {
                assertEquals(-(record.getLong(0) + 1), record.getLong(192), "the two ends of one record");
                return collect(record);
            }, Long.MAX_VALUE);
            long cons = consumer.consumerPosition();
            assertUnclaimed(cons - SIZE, cons);
        }
        assertEquals(value, seen.size());
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(i, seen.get(i));
        }
    }

    @Test
    void producersRegainSpaceWhileTheConsumerIsStillReadingAFullRing() {
        long value = 0;
        for (long position; (position = producer.reserve(16)) >= 0; ) {
            data.set(JAVA_LONG, producer.payloadOffset(position), value++);
            producer.submit(position, Wakeup.NO_WAKEUP);
        }
        long last = value - 1;
        long[] reservedInBatch = {-1};
        assertEquals(value, consumer.consume(record -> {
            if (record.getLong(0) == last) {
                reservedInBatch[0] = producer.reserve(16);
            }
            return collect(record);
        }, Long.MAX_VALUE), "one batch, the whole ring");
        assertTrue(reservedInBatch[0] >= 0, "a producer found room before the batch ended");
        data.set(JAVA_LONG, producer.payloadOffset(reservedInBatch[0]), value);
        producer.submit(reservedInBatch[0], Wakeup.NO_WAKEUP);
        assertEquals(1, consumer.consume(this::collect, Long.MAX_VALUE));
        assertEquals(value + 1, seen.size());
        for (int i = 0; i <= value; i++) {
            assertEquals(i, seen.get(i));
        }
    }

    @Test
    void aClaimWhoseHeaderIsNotWrittenYetHoldsBackTheRecordsAfterIt() {
        // A producer between its compare-and-set and its header store: space claimed, no header.
        long claimed = producerPage.get(JAVA_LONG, 0);
        producerPage.set(JAVA_LONG, 0, claimed + RingLayout.span(8));
        put(2, 8);
        assertEquals(0, consumer.consume(this::collect, Long.MAX_VALUE), "unclaimed space reads BUSY");
        data.set(JAVA_INT, claimed & (SIZE - 1), 8 | RingLayout.BUSY_BIT);
        data.set(JAVA_INT, (claimed & (SIZE - 1)) + 4, 7);
        data.set(JAVA_LONG, producer.payloadOffset(claimed), 1);
        producer.submit(claimed, Wakeup.ADAPTIVE);
        assertEquals(2, consumer.consume(this::collect, Long.MAX_VALUE));
        assertEquals(List.of(1L, 2L), seen);
    }

    @Test
    void aHeaderLongerThanTheRingIsCorruptAndNothingOutsideIsRead() {
        put(1, 8);
        data.set(JAVA_INT, 0, RingLayout.LENGTH_MASK);
        CorruptRingException e = assertThrows(CorruptRingException.class,
                () -> consumer.consume(this::collect, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("more than the ring holds"), e.getMessage());
        assertEquals(0, consumer.consumerPosition());
        assertTrue(seen.isEmpty());
    }

    @Test
    void aLengthPastWhatProducersReservedIsCorruptAndNothingIsDelivered() {
        put(1, 8);
        data.set(JAVA_INT, 0, 2000); // committed, within the ring, past what was reserved
        CorruptRingException e = assertThrows(CorruptRingException.class,
                () -> consumer.consume(this::collect, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("past the producer position"), e.getMessage());
        assertTrue(seen.isEmpty());
        assertEquals(0, consumer.consumerPosition());
    }

    @Test
    void aCorruptRingStaysCorruptWhenTheProducersMoveOn() {
        put(1, 8);
        long bad = put(2, 8);
        data.set(JAVA_INT, bad, 2000); // runs past the producer position, not past the ring
        CorruptRingException first = assertThrows(CorruptRingException.class,
                () -> consumer.consume(this::collect, Long.MAX_VALUE));
        assertEquals(List.of(1L), seen);
        assertEquals(bad, consumer.consumerPosition());
        for (int i = 0; i < 40; i++) { // producers go on until the bad length fits what they reserved
            put(3 + i, 56);
        }
        for (int i = 0; i < 3; i++) {
            CorruptRingException again = assertThrows(CorruptRingException.class,
                    () -> consumer.consume(this::collect, Long.MAX_VALUE));
            assertEquals(first.getMessage(), again.getMessage());
        }
        assertEquals(List.of(1L), seen, "nothing delivered after the corruption");
        assertEquals(bad, consumer.consumerPosition());
    }

    /** Moves both positions to {@code position}, as a ring that has run that far has them. */
    private void startAt(long position) {
        consumerPage.set(JAVA_LONG, 0, position);
        producerPage.set(JAVA_LONG, 0, position);
    }

    @Test
    void pastTwoToThe63ACommittedHeaderBeyondTheProducersIsCorrupt() {
        long position = Long.MIN_VALUE + 64; // 2^63 + 64 as a u64
        startAt(position);
        data.set(JAVA_INT, position & (SIZE - 1), 8); // a header where reclaimed space should be
        CorruptRingException e = assertThrows(CorruptRingException.class,
                () -> consumer.consume(this::collect, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains(Long.toUnsignedString(position)), e.getMessage());
        assertTrue(seen.isEmpty());
        assertEquals(position, consumer.consumerPosition());
    }

    @Test
    void recordsAcrossTwoToThe63AndTwoToThe64AreDeliveredUpToTheProducers() {
        for (long start : new long[] {Long.MAX_VALUE - 15, -32}) { // 2^63 - 16, 2^64 - 32
            startAt(start & ~7L);
            RingConsumer fresh = RingConsumer.reclaiming(consumerPage, producerPage, data, SIZE);
            seen.clear();
            put(1, 8);
            put(2, 8);
            put(3, 8);
            long end = producerPage.get(JAVA_LONG, 0);
            data.set(JAVA_INT, end & (SIZE - 1), 8); // garbage where the next record would be
            CorruptRingException e = assertThrows(CorruptRingException.class,
                    () -> fresh.consume(this::collect, Long.MAX_VALUE), "from " + Long.toUnsignedString(start));
            assertTrue(e.getMessage().contains(Long.toUnsignedString(end)), e.getMessage());
            assertEquals(List.of(1L, 2L, 3L), seen);
            assertEquals(end, fresh.consumerPosition());
            data.asSlice(0, SIZE).fill(RingLayout.UNCLAIMED);
        }
    }

    @Test
    void unalignedPositionsAreCorruptAndNothingIsRead() {
        long[][] positions = {{2, 18}, {4, 20}, {0, 12}, {-4, 12}, {Long.MIN_VALUE + 1, Long.MIN_VALUE + 17}};
        for (long[] pair : positions) {
            data.asSlice(0, 64).fill((byte) 0); // committed, empty records wherever a header is looked for
            consumerPage.set(JAVA_LONG, 0, pair[0]);
            producerPage.set(JAVA_LONG, 0, pair[1]);
            RingConsumer fresh = RingConsumer.reclaiming(consumerPage, producerPage, data, SIZE);
            String which = Long.toUnsignedString(pair[0]) + " and " + Long.toUnsignedString(pair[1]);
            CorruptRingException e = assertThrows(CorruptRingException.class,
                    () -> fresh.consume(this::collect, Long.MAX_VALUE), which);
            assertTrue(e.getMessage().contains("8-byte aligned"), e.getMessage());
            assertTrue(seen.isEmpty(), which);
            assertEquals(pair[0], fresh.consumerPosition(), which);
        }
    }

    @Test
    void submitRefusesWhatThisProducerDoesNotHold() {
        long position = producer.reserve(8);
        producer.submit(position, Wakeup.ADAPTIVE);
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> producer.submit(position, Wakeup.ADAPTIVE));
        assertTrue(twice.getMessage().contains("submitted or discarded already"), twice.getMessage());
        long unclaimed = position + RingLayout.span(8);
        assertThrows(IllegalStateException.class, () -> producer.submit(unclaimed, Wakeup.ADAPTIVE));
        assertThrows(IllegalStateException.class, () -> producer.discard(unclaimed + 4, Wakeup.ADAPTIVE));
        RingProducer other = RingProducer.lockFree(consumerPage, producerPage, data, SIZE, 8);
        long mine = producer.reserve(8);
        assertThrows(IllegalStateException.class, () -> other.submit(mine, Wakeup.ADAPTIVE),
                "another producer's reservation");
        producer.discard(mine, Wakeup.ADAPTIVE);
        assertEquals(1, consumer.consume(r -> true, Long.MAX_VALUE));
    }

    /** As bpf_ringbuf_commit decides: adaptive wakes only a consumer waiting at the record; the flags override it. */
    @Test
    void theWakeupIsDecidedAsTheKernelDecidesIt() {
        long first = producer.reserve(8);
        long second = producer.reserve(8);
        long third = producer.reserve(8);
        assertFalse(producer.submit(second, Wakeup.ADAPTIVE), "the consumer waits at the first record");
        assertTrue(producer.discard(third, Wakeup.FORCE_WAKEUP));
        assertFalse(producer.submit(first, Wakeup.NO_WAKEUP), "the consumer waits here, but the producer says no");
        assertEquals(2, consumer.consume(r -> true, Long.MAX_VALUE));
        assertTrue(producer.submit(producer.reserve(8), Wakeup.ADAPTIVE), "the consumer waits at this record");
        assertEquals(1, consumer.consume(r -> true, Long.MAX_VALUE));
        assertTrue(producer.discard(producer.reserve(8), Wakeup.ADAPTIVE), "a discard too wakes it");
    }
}
