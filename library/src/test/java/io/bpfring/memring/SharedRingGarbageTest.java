package io.bpfring.memring;

import io.bpfring.CorruptRingException;
import io.bpfring.ring.RecordView;
import io.bpfring.ring.RingLayout;
import io.bpfring.sys.Sys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.bpfring.memring.Readers.busyPoll;
import static io.bpfring.memring.Readers.consume;
import static io.bpfring.memring.Readers.poll;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A shared ring file whose bytes were written by something other than the protocol: the
 * consumer must tell garbage from a reservation a dead producer left, and report the garbage
 * rather than discard it as such a reservation.
 */
class SharedRingGarbageTest {
    private static final int SIZE = 4096;
    private static final int FILL = 0x80808080;

    @TempDir
    Path dir;

    private Arena arena;
    private MemoryRing ring;
    /** The file as another process sees it: consumer page, producer page, data once. */
    private MemorySegment file;
    private MemorySegment data;
    private final List<Long> seen = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        Path path = dir.resolve("ring");
        ring = MemoryRing.create(path, SIZE);
        arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            file = channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size(), arena);
        }
        data = file.asSlice(2 * Sys.pageSize(), SIZE);
    }

    @AfterEach
    void tearDown() {
        ring.close();
        arena.close();
    }

    private void producerPosition(long position) {
        file.set(JAVA_LONG, Sys.pageSize(), position);
    }

    /** A header as a producer writes it: {length | flags, owner}. */
    private void header(long position, int first, int owner) {
        data.set(JAVA_INT, position, first);
        data.set(JAVA_INT, position + 4, owner);
    }

    /** A committed 8-byte record carrying {@code value}. */
    private void record(long position, long value) {
        header(position, 8, 1);
        data.set(JAVA_LONG, position + RingLayout.HEADER_SIZE, value);
    }

    private boolean collect(RecordView record) {
        seen.add(record.getLong(0));
        return true;
    }

    /** Consuming reports {@code what}, every time, and leaves the header and the count of abandoned records alone. */
    private void assertCorrupt(String what, int first, int owner) {
        CorruptRingException e = assertThrows(CorruptRingException.class, () -> consume(ring, this::collect));
        assertTrue(e.getMessage().contains(what), e.getMessage());
        assertTrue(e.getMessage().contains("position 16"), e.getMessage());
        CorruptRingException again = assertThrows(CorruptRingException.class,
                () -> poll(ring, this::collect, Duration.ofMillis(1)));
        assertEquals(e.getMessage(), again.getMessage());
        assertEquals(0, ring.abandoned(), "garbage is not counted as an abandoned reservation");
        assertEquals(first, data.get(JAVA_INT, 16), "the header is left as found");
        assertEquals(owner, data.get(JAVA_INT, 20));
        assertEquals(List.of(1L), seen, "the record before it was delivered, nothing after it");
        assertEquals(16, ring.consumerPosition());
    }

    @Test
    void reclaimedFillBeforeTheProducerPositionIsCorrupt() {
        record(0, 1);
        // 16..32 still holds the fill of reclaimed space: no producer wrote a header there.
        record(32, 3);
        producerPosition(48);
        assertCorrupt("reclaimed space", FILL, FILL);
    }

    /** Linux hands out process ids up to 2^22 at most. */
    @ParameterizedTest(name = "owner {0}")
    @ValueSource(ints = {0, -5, Integer.MAX_VALUE, (1 << 22) + 1})
    void aReservationWhoseOwnerIsNoProcessIdIsCorrupt(int owner) {
        record(0, 1);
        header(16, 8 | RingLayout.BUSY_BIT, owner);
        record(32, 3);
        producerPosition(48);
        assertCorrupt("no process id", 8 | RingLayout.BUSY_BIT, owner);
    }

    @Test
    void aReservationThatRunsPastTheProducerPositionIsCorrupt() throws Exception {
        int dead = deadPid();
        record(0, 1);
        header(16, 5000 | RingLayout.BUSY_BIT, dead);
        producerPosition(32);
        assertCorrupt("past the producer position", 5000 | RingLayout.BUSY_BIT, dead);
    }

    @Test
    void aReservationOfADeadProcessIsStillSkipped() throws Exception {
        int dead = deadPid();
        record(0, 1);
        header(16, 8 | RingLayout.BUSY_BIT, dead);
        record(32, 3);
        producerPosition(48);
        assertEquals(2, consume(ring, this::collect));
        assertEquals(List.of(1L, 3L), seen);
        assertEquals(1, ring.abandoned());
    }

    /** The pid of a process that has exited. */
    private static int deadPid() throws Exception {
        Process process = new ProcessBuilder("true").start();
        process.waitFor();
        return (int) process.pid();
    }
}
