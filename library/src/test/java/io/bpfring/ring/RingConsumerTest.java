package io.bpfring.ring;

import io.bpfring.CorruptRingException;

import org.junit.jupiter.api.BeforeEach;
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

/** The consume protocol over plain memory, with records written by hand. */
class RingConsumerTest {
    private static final int SIZE = 4096;

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment cons = arena.allocate(8, 8);
    private final MemorySegment prod = arena.allocate(8, 8);
    private final MemorySegment data = arena.allocate(2 * SIZE, 8);
    private final List<Long> seen = new ArrayList<>();
    private RingConsumer consumer;
    private long writeAt;

    @BeforeEach
    void setUp() {
        consumer = new RingConsumer(cons, prod, data, SIZE);
    }

    /** Writes a record carrying {@code value} (8 bytes) with the given header bits; returns its position. */
    private long write(long value, int bits) {
        long pos = writeAt;
        long offset = pos & (SIZE - 1);
        data.set(JAVA_INT, offset, 8 | bits);
        data.set(JAVA_LONG, offset + RingLayout.HEADER_SIZE, value);
        writeAt += RingLayout.span(8);
        prod.set(JAVA_LONG, 0, writeAt);
        return pos;
    }

    private boolean collect(RecordView record) {
        assertTrue(seen.size() < SIZE / 8, "more records than the ring holds");
        seen.add(record.length() >= 8 ? record.getLong(0) : -record.length() - 1);
        return true;
    }

    @Test
    void deliversInOrderSkippingDiscardsAndPublishingThePosition() {
        write(1, 0);
        write(2, RingLayout.DISCARD_BIT);
        write(3, 0);
        assertEquals(2, consumer.consume(this::collect, Long.MAX_VALUE));
        assertEquals(List.of(1L, 3L), seen);
        assertEquals(3 * RingLayout.span(8), cons.get(JAVA_LONG, 0));
    }

    @Test
    void aBusyRecordHoldsBackLaterCommittedOnes() {
        write(1, 0);
        long busy = write(2, RingLayout.BUSY_BIT);
        write(3, 0);
        assertEquals(1, consumer.consume(this::collect, Long.MAX_VALUE));
        assertEquals(busy, consumer.consumerPosition());
        assertFalse(consumer.hasCommittedRecord());
        data.set(JAVA_INT, busy & (SIZE - 1), 8); // the producer commits
        assertTrue(consumer.hasCommittedRecord());
        assertEquals(2, consumer.consume(this::collect, Long.MAX_VALUE));
        assertEquals(List.of(1L, 2L, 3L), seen);
    }

    @Test
    void limitsAndHandlerStopsAreHonoured() {
        for (int i = 0; i < 5; i++) {
            write(i, 0);
        }
        assertEquals(2, consumer.consume(this::collect, 2));
        assertEquals(1, consumer.consume(r -> collect(r) && false, Long.MAX_VALUE));
        assertEquals(3 * RingLayout.span(8), consumer.consumerPosition());
        assertThrows(IllegalStateException.class, () -> consumer.consume(r -> {
            throw new IllegalStateException("handler failed");
        }, Long.MAX_VALUE));
        assertEquals(4 * RingLayout.span(8), consumer.consumerPosition(), "the failed record counts as consumed");
        assertEquals(1, consumer.consume(this::collect, Long.MAX_VALUE));
        assertEquals(List.of(0L, 1L, 2L, 4L), seen);
    }

    @Test
    void recordsThatWrapAreReadContiguouslyFromTheDoubleMapping() {
        writeAt = SIZE - 8; // the header fits before the end, the payload runs past it
        cons.set(JAVA_LONG, 0, writeAt);
        long pos = write(0x1122334455667788L, 0);
        // The payload sits past the end, in the second copy; the start of the first copy
        // (where a consumer that wrapped by hand would look) holds something else.
        data.set(JAVA_LONG, 0, -1L);
        assertEquals(1, consumer.consume(r -> {
            assertEquals(pos, r.position());
            return collect(r);
        }, Long.MAX_VALUE));
        assertEquals(List.of(0x1122334455667788L), seen);
    }

    @Test
    void aLengthPastTheProducerIsCorruptAndNothingIsRead() {
        write(1, 0);
        data.set(JAVA_INT, 0, 5000); // claims more than the producer wrote
        CorruptRingException e = assertThrows(CorruptRingException.class,
                () -> consumer.consume(this::collect, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("past the producer position"), e.getMessage());
        assertEquals(0, consumer.consumerPosition());
        assertTrue(seen.isEmpty());
        data.set(JAVA_INT, 0, RingLayout.LENGTH_MASK); // the largest length a header can hold
        assertThrows(CorruptRingException.class, () -> consumer.consume(this::collect, Long.MAX_VALUE));
    }

    /** The controlled loop takes headers on the same terms: nothing past the producer, across 2^64 too. */
    @Test
    void theControlledLoopChecksEveryRecordAsTheOthersDo() {
        ControlledRecordHandler take = record -> {
            collect(record);
            return ControlledRecordHandler.Action.CONTINUE;
        };
        startAt(-2 * RingLayout.span(8)); // two records before 2^64, the third after it
        write(1, 0);
        write(2, 0);
        write(3, 0);
        assertEquals(3, consumer.consumeControlled(take, Long.MAX_VALUE));
        assertEquals(List.of(1L, 2L, 3L), seen);
        assertEquals(RingLayout.span(8), consumer.consumerPosition());

        long corrupt = write(4, 0);
        data.set(JAVA_INT, corrupt & (SIZE - 1), 5000); // claims more than the producer wrote
        CorruptRingException e = assertThrows(CorruptRingException.class,
                () -> consumer.consumeControlled(take, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("past the producer position"), e.getMessage());
        assertEquals(corrupt, consumer.consumerPosition(), "nothing of it consumed");
        assertEquals(3, seen.size(), "nothing of it delivered");
        assertThrows(CorruptRingException.class, () -> consumer.consumeControlled(take, Long.MAX_VALUE),
                "corrupt stays corrupt");
    }

    @Test
    void positionsMoreThanARingApartAreCorrupt() {
        prod.set(JAVA_LONG, 0, SIZE + 8);
        assertThrows(CorruptRingException.class, () -> consumer.consume(this::collect, Long.MAX_VALUE));
        cons.set(JAVA_LONG, 0, 64);
        prod.set(JAVA_LONG, 0, 8);
        assertThrows(CorruptRingException.class, () -> consumer.consume(this::collect, Long.MAX_VALUE));
    }

    /** Puts both positions at {@code position}: an empty ring that has run that far. */
    private void startAt(long position) {
        writeAt = position;
        cons.set(JAVA_LONG, 0, position);
        prod.set(JAVA_LONG, 0, position);
    }

    /** Leaves a committed header of {@code length} at {@code position}, as an earlier lap does. */
    private void leaveHeader(long position, int length) {
        data.set(JAVA_INT, position & (SIZE - 1), length);
    }

    @Test
    void anEmptyRingPastTwoToThe63HoldsNothingOfEarlierLaps() {
        long position = Long.MIN_VALUE + 64; // 2^63 + 64 as a u64
        startAt(position);
        leaveHeader(position, 8);
        assertEquals(0, consumer.consume(this::collect, Long.MAX_VALUE));
        assertEquals(position, consumer.consumerPosition());
        write(1, 0);
        leaveHeader(writeAt, 8);
        assertEquals(1, consumer.consume(this::collect, Long.MAX_VALUE));
        assertEquals(List.of(1L), seen);
        assertEquals(writeAt, consumer.consumerPosition(), "stopped at the producer position");
    }

    @Test
    void positionsAreComparedAcrossTwoToThe63AndTwoToThe64() {
        for (long start : new long[] {Long.MAX_VALUE - 15, -32}) { // 2^63 - 16, 2^64 - 32
            setUp();
            seen.clear();
            startAt(start & ~7L);
            write(1, 0);
            write(2, RingLayout.DISCARD_BIT);
            write(3, 0); // from 2^64 - 32, this one is at position 0 again
            leaveHeader(writeAt, 0);
            assertEquals(2, consumer.consume(this::collect, Long.MAX_VALUE), "from " + Long.toUnsignedString(start));
            assertEquals(List.of(1L, 3L), seen);
            assertEquals(writeAt, consumer.consumerPosition());
        }
    }

    @Test
    void anEmptyRingJustBeforeTwoToThe64IsEmpty() {
        for (int stale : new int[] {0, 8}) {
            setUp();
            startAt(-8); // 2^64 - 8
            leaveHeader(-8, stale);
            assertEquals(0, consumer.consume(this::collect, Long.MAX_VALUE), "a stale header of " + stale + " bytes");
            assertTrue(seen.isEmpty());
            assertEquals(-8, consumer.consumerPosition());
        }
    }

    @Test
    void unalignedPositionsAreCorruptAndNothingIsRead() {
        long[][] positions = {{2, 18}, {4, 20}, {0, 12}, {0, 4}, {-4, 12}, {Long.MIN_VALUE + 1, Long.MIN_VALUE + 17}};
        for (long[] pair : positions) {
            setUp();
            for (long offset = 0; offset < 64; offset += 4) {
                data.set(JAVA_INT, offset, 0); // committed, empty records wherever a header is looked for
            }
            cons.set(JAVA_LONG, 0, pair[0]);
            prod.set(JAVA_LONG, 0, pair[1]);
            String which = Long.toUnsignedString(pair[0]) + " and " + Long.toUnsignedString(pair[1]);
            CorruptRingException e = assertThrows(CorruptRingException.class,
                    () -> consumer.consume(this::collect, Long.MAX_VALUE), which);
            assertTrue(e.getMessage().contains("8-byte aligned"), e.getMessage());
            assertTrue(e.getMessage().contains(Long.toUnsignedString((pair[0] & 7) != 0 ? pair[0] : pair[1])),
                    e.getMessage());
            assertTrue(seen.isEmpty(), which);
            assertEquals(pair[0], consumer.consumerPosition(), which);
            assertThrows(CorruptRingException.class, () -> consumer.hasCommittedRecord(), which);
        }
    }

    @Test
    void aCorruptRingStaysCorruptWhenTheProducerMovesOn() {
        write(1, 0);
        long bad = write(2, 0);
        data.set(JAVA_INT, bad, 2000); // runs past the producer position, not past the ring
        CorruptRingException first = assertThrows(CorruptRingException.class,
                () -> consumer.consume(this::collect, Long.MAX_VALUE));
        assertEquals(List.of(1L), seen);
        assertEquals(bad, consumer.consumerPosition());
        // Producers go on writing until the bad length fits what they reserved: still corrupt.
        writeAt = bad + RingLayout.span(2000) + 64;
        prod.set(JAVA_LONG, 0, writeAt);
        for (int i = 0; i < 3; i++) {
            CorruptRingException again = assertThrows(CorruptRingException.class,
                    () -> consumer.consume(this::collect, Long.MAX_VALUE));
            assertEquals(first.getMessage(), again.getMessage());
            assertThrows(CorruptRingException.class, () -> consumer.hasCommittedRecord());
        }
        assertEquals(List.of(1L), seen, "nothing delivered after the corruption");
        assertEquals(bad, consumer.consumerPosition());
    }

    @Test
    void availableBytesOfImpossiblePositionsIsCorrupt() {
        long[][] positions = {{64, 8}, {0, SIZE}, {0, 2 * SIZE}, {4, 16}, {0, 12}, {Long.MIN_VALUE, Long.MAX_VALUE - 7}};
        for (long[] pair : positions) {
            cons.set(JAVA_LONG, 0, pair[0]);
            prod.set(JAVA_LONG, 0, pair[1]);
            assertThrows(CorruptRingException.class, () -> consumer.availableBytes(),
                    Long.toUnsignedString(pair[0]) + " and " + Long.toUnsignedString(pair[1]));
        }
        cons.set(JAVA_LONG, 0, -16);
        prod.set(JAVA_LONG, 0, 16);
        assertEquals(32, consumer.availableBytes(), "across 2^64");
        // Zeroed memory: four committed empty records. A figure asked for does not stop the consumer.
        assertEquals(4, consumer.consume(r -> true, Long.MAX_VALUE));
    }

    @Test
    void viewsAreBoundedByTheRecord() {
        long offset = writeAt;
        data.set(JAVA_INT, offset, 6);
        data.setString(offset + 8, "comm\0x", java.nio.charset.StandardCharsets.UTF_8);
        writeAt += RingLayout.span(6);
        prod.set(JAVA_LONG, 0, writeAt);
        consumer.consume(r -> {
            assertEquals(6, r.length());
            assertEquals("comm", r.getString(0, 6));
            assertEquals('x', r.getByte(5));
            assertThrows(IndexOutOfBoundsException.class, () -> r.getInt(4));
            assertThrows(IndexOutOfBoundsException.class, () -> r.getByte(6));
            assertThrows(IndexOutOfBoundsException.class, () -> r.getString(2, 8));
            assertEquals(6, r.toByteArray().length);
            assertEquals(6, r.segment().byteSize());
            assertEquals('c', r.segment().get(JAVA_BYTE, 0));
            return true;
        }, Long.MAX_VALUE);
    }

    @Test
    void theMemoryMustBeARingMappedTwice() {
        assertThrows(IllegalArgumentException.class, () -> new RingConsumer(cons, prod, data, 3000));
        assertThrows(IllegalArgumentException.class, () -> new RingConsumer(cons, prod, arena.allocate(SIZE), SIZE));
    }
}
