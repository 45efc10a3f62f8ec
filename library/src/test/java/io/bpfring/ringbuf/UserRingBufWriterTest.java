package io.bpfring.ringbuf;

import io.bpfring.asm.Asm;
import io.bpfring.asm.Helper;
import io.bpfring.asm.Reg;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.ProgramType;
import io.bpfring.ring.Reservation;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Java writes into a real user ring buffer; a BPF program drains it with a callback. */
class UserRingBufWriterTest {
    private static final int SIZE = 16 * 1024;

    private BpfMap ring;
    private BpfMap stats;
    private BpfProgram drain;

    @BeforeEach
    void setUp() {
        Kernel.require();
        ring = BpfMap.userRingBuf("urb", SIZE);
        stats = BpfMap.array("urb_stats", 16, 1);
        // main: drain the ring through the callback, return how many samples it took.
        // callback(dynptr, ctx): read the sample's first 8 bytes, add them to stats.sum, count it.
        drain = BpfProgram.load(ProgramType.SYSCALL, "drain", new Asm()
                .loadMap(Reg.R1, ring)
                .loadFunction(Reg.R2, "on_sample")
                .mov(Reg.R3, 0)
                .mov(Reg.R4, 0)
                .call(Helper.USER_RINGBUF_DRAIN)
                .exit()
                .label("on_sample")
                .mov(Reg.R3, Reg.R1)
                .mov(Reg.R1, Reg.R10)
                .alu64(Asm.Alu.ADD, Reg.R1, -8)
                .mov(Reg.R2, 8)
                .mov(Reg.R4, 0)
                .mov(Reg.R5, 0)
                .call(Helper.DYNPTR_READ)
                .jumpIf(Reg.R0, Asm.Jump.NE, 0, "skip")
                .load(Asm.Size.DW, Reg.R2, Reg.R10, -8)
                .loadMapValue(Reg.R1, stats, 0)
                .atomicAdd(Asm.Size.DW, Reg.R1, 0, Reg.R2)
                .mov(Reg.R2, 1)
                .atomicAdd(Asm.Size.DW, Reg.R1, 8, Reg.R2)
                .label("skip")
                .mov(Reg.R0, 0)
                .exit());
    }

    @AfterEach
    void tearDown() {
        if (drain != null) {
            drain.close();
        }
        if (stats != null) {
            stats.close();
        }
        if (ring != null) {
            ring.close();
        }
    }

    private long[] sumAndCount() {
        ByteBuffer value = ByteBuffer.wrap(stats.lookup(new byte[4]).orElseThrow()).order(ByteOrder.nativeOrder());
        return new long[]{value.getLong(0), value.getLong(8)};
    }

    private int runDrain() {
        return drain.testRun(new byte[8]);
    }

    /** Submitted samples reach the program; discarded ones, and those left unsubmitted, do not. */
    @Test
    void theProgramSeesExactlyWhatJavaSubmitted() {
        long sum = 0;
        int written = 0;
        try (UserRingBufWriter writer = new UserRingBufWriter(ring)) {
            for (long value = 1; value <= 5000; value++) {
                try (Reservation sample = writer.reserve(8 + (int) (value % 24), Duration.ofSeconds(10))) {
                    assertNotNull(sample, "no room");
                    assertEquals(8 + value % 24, sample.payload().byteSize());
                    sample.payload().set(JAVA_LONG, 0, value);
                    if (value % 10 == 5) {
                        sample.discard();
                    } else if (value % 10 != 0) { // those at 0 are left to the try-with-resources
                        sample.submit();
                        sum += value;
                        written++;
                    }
                }
                if (value % 300 == 0) {
                    runDrain();
                }
            }
            runDrain();
        }
        assertEquals(sum, sumAndCount()[0]);
        assertEquals(written, sumAndCount()[1]);
    }

    /** A write past a sample's payload is refused before it reaches the next sample in the ring. */
    @Test
    void aSampleIsExactlyAsLongAsReserved() {
        try (UserRingBufWriter writer = new UserRingBufWriter(ring)) {
            Reservation first = writer.reserve(8);
            Reservation second = writer.reserve(8);
            second.payload().set(JAVA_LONG, 0, 7);
            first.payload().set(JAVA_LONG, 0, 5);
            assertThrows(IndexOutOfBoundsException.class, () -> first.payload().set(JAVA_LONG, 8, 99L));
            assertThrows(IndexOutOfBoundsException.class, () -> second.payload().set(JAVA_LONG, -8, 99L));
            first.submit();
            second.submit();
            assertEquals(2, runDrain());
        }
        assertEquals(12, sumAndCount()[0], "both samples as written");
    }

    @Test
    void aWriterWaitingForRoomWakesWhenTheProgramDrains() throws Exception {
        try (UserRingBufWriter writer = new UserRingBufWriter(ring)) {
            byte[] sample = new byte[1000];
            int written = 0;
            while (writer.output(sample)) {
                written++;
            }
            assertTrue(written > 10);
            CompletableFuture<Reservation> waiting =
                    CompletableFuture.supplyAsync(() -> writer.reserve(1000, Duration.ofSeconds(30)));
            Thread.sleep(100);
            assertFalse(waiting.isDone(), "the ring is full: the writer waits");
            assertEquals(written, runDrain());
            waiting.get(30, TimeUnit.SECONDS).submit();
            assertEquals(1, runDrain());
        }
    }

    /** Fills the ring with 1000-byte samples; returns how many fitted. */
    private static int fill(UserRingBufWriter writer) {
        byte[] sample = new byte[1000];
        int written = 0;
        while (writer.output(sample)) {
            written++;
        }
        return written;
    }

    /** Threads waiting for room, each for up to 30 s. */
    private static List<CompletableFuture<Reservation>> waitForRoom(UserRingBufWriter writer,
                                                                    ExecutorService threads) {
        List<CompletableFuture<Reservation>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(CompletableFuture.supplyAsync(() -> writer.reserve(1000, Duration.ofSeconds(30)), threads));
        }
        return waiting;
    }

    @Test
    void writersOnSeveralThreadsWaitForRoomAtOnce() throws Exception {
        try (ExecutorService threads = Executors.newFixedThreadPool(3);
             UserRingBufWriter writer = new UserRingBufWriter(ring)) {
            int written = fill(writer);
            List<CompletableFuture<Reservation>> waiting = waitForRoom(writer, threads);
            Thread.sleep(100);
            assertTrue(waiting.stream().noneMatch(CompletableFuture::isDone), "the ring is full: they wait");
            assertEquals(written, runDrain());
            for (CompletableFuture<Reservation> waiter : waiting) {
                waiter.get(30, TimeUnit.SECONDS).submit();
            }
            assertEquals(waiting.size(), runDrain());
        }
    }

    /**
     * A writer waiting for room sleeps in epoll_wait between its looks at the ring: a close from
     * another thread, in any of its rounds, wakes it, and the ring and fds go once it has left.
     */
    @Test
    void closeWakesEveryWriterWaitingForRoomAtOnce() throws Exception {
        long mappings = ringMappings();
        long fds = openFds();
        try (ExecutorService threads = Executors.newFixedThreadPool(3)) {
            for (int round = 0; round < 100; round++) {
                UserRingBufWriter writer = new UserRingBufWriter(ring);
                fill(writer);
                List<CompletableFuture<Reservation>> waiting = waitForRoom(writer, threads);
                Thread.sleep(1);
                writer.close();
                for (CompletableFuture<Reservation> waiter : waiting) {
                    // Within 2 s of the close, although each waits for 30 s.
                    ExecutionException e = assertThrows(ExecutionException.class,
                            () -> waiter.get(2, TimeUnit.SECONDS), "round " + round);
                    assertInstanceOf(IllegalStateException.class, e.getCause());
                    assertTrue(e.getCause().getMessage().contains("closed"), e.getCause().getMessage());
                }
                assertEquals(mappings, ringMappings(), "unmapped once the waiters have left, round " + round);
                assertEquals(fds, openFds(), "round " + round);
                runDrain();
            }
        }
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static long ringMappings() throws IOException {
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.filter(line -> line.contains("bpf-map")).count();
        }
    }

    @Test
    void badInputIsRefused() {
        try (UserRingBufWriter writer = new UserRingBufWriter(ring)) {
            assertThrows(IllegalArgumentException.class, () -> writer.reserve(0));
            assertThrows(IllegalArgumentException.class, () -> writer.reserve(SIZE));
            Reservation sample = writer.reserve(8);
            sample.submit();
            assertThrows(IllegalStateException.class, sample::submit);
            assertThrows(IllegalStateException.class, sample::discard);
            assertEquals(1, runDrain());
        }
        try (BpfMap array = BpfMap.array("notuser", 8, 1)) {
            assertThrows(IllegalArgumentException.class, () -> new UserRingBufWriter(array));
        }
    }
}
