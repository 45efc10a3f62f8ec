package io.bpfring.memring;

import io.bpfring.ClosedException;
import io.bpfring.CorruptRingException;
import io.bpfring.ring.RecordHandler;
import io.bpfring.ring.RecordView;
import io.bpfring.ring.Reservation;
import io.bpfring.ring.Wakeup;
import io.bpfring.sys.Sys;
import io.bpfring.testing.Jvm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static io.bpfring.memring.Readers.busyPoll;
import static io.bpfring.memring.Readers.consume;
import static io.bpfring.memring.Readers.poll;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Java producers on the ring buffer protocol: in one JVM and across processes. */
class MemoryRingTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    /** Producer processes, killed after each test: one left stopped would keep the test run's output open. */
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() throws InterruptedException {
        for (Process child : children) {
            child.destroyForcibly().waitFor();
        }
    }

    private static void put(MemoryRing ring, int producer, long seq) {
        put(ring, producer, seq, 16);
    }

    private static void put(MemoryRing ring, int producer, long seq, int length) {
        Reservation record = ring.reserve(length, LONG);
        assertNotNull(record, "no room");
        record.payload().set(JAVA_INT, 0, producer);
        record.payload().set(JAVA_LONG, 8, seq);
        record.submit();
    }

    /**
     * In one JVM producers claim without a lock; those of a shared file take the lock, also when
     * they reach the file through two instances, each with its own mapping.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"in memory", "shared file", "shared file opened twice"})
    void manyProducersOneConsumerNothingLostNothingReordered(String kind) throws Exception {
        int producers = 2;
        long perProducer = STRESS_RECORDS / producers;
        long start = System.nanoTime();
        Path file = dir.resolve("ring");
        // The rings close first, so producers still running after a failure stop at once.
        try (ExecutorService threads = Executors.newFixedThreadPool(producers);
             MemoryRing ring = kind.equals("in memory") ? MemoryRing.inMemory(16 * 1024) : MemoryRing.create(file, 16 * 1024);
             MemoryRing other = kind.endsWith("twice") ? MemoryRing.open(file) : null) {
            List<CompletableFuture<Void>> producing = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int id = p;
                MemoryRing through = id == 1 && other != null ? other : ring;
                producing.add(CompletableFuture.runAsync(() -> {
                    for (long seq = 0; seq < perProducer; seq++) {
                        put(through, id, seq, lengthOf(seq));
                    }
                }, threads));
            }
            long[] next = new long[producers];
            long[] lastPosition = {-1};
            long[] total = {0};
            // Checks without building a message per record: the stress runs go through billions.
            RecordViewCheck check = record -> {
                int id = record.getInt(0);
                long seq = record.getLong(8);
                if (seq != next[id] || record.length() != lengthOf(seq)) {
                    fail("producer " + id + ": expected record " + next[id] + ", got " + seq + " of " + record.length() + " bytes");
                }
                next[id]++;
                if (record.position() <= lastPosition[0]) {
                    fail("delivered out of reservation order at " + record.position());
                }
                lastPosition[0] = record.position();
                total[0]++;
            };
            pollUntil(ring, r -> {
                check.accept(r);
                return true;
            }, () -> total[0] == producers * perProducer, () -> producing.forEach(producer -> {
                if (producer.isCompletedExceptionally()) {
                    producer.join(); // throws what failed the producer
                }
            }));
            CompletableFuture.allOf(producing.toArray(CompletableFuture[]::new)).get(LONG.toSeconds(), TimeUnit.SECONDS);
            assertEquals(producers * perProducer, total[0]);
            assertEquals(0, consume(ring, r -> true), "nothing duplicated");
            // 16 K ring, 48 bytes a record on average: it wrapped more than a thousand times.
            assertTrue(ring.producerPosition() / ring.size() > 1000, "wraps: " + ring.producerPosition() / ring.size());
            assertEquals(0, ring.abandoned());
            report("threads, " + kind, total[0], start);
        }
    }

    /**
     * Producers in other processes write into a shared ring file: every record arrives once, each
     * producer's in order, and the ring's order is the reservation order.
     */
    @Test
    void producersInOtherProcessesNothingLostNothingReordered() throws Exception {
        int producers = 2;
        long perProducer = STRESS_RECORDS / producers;
        Path file = dir.resolve("ring");
        long start = System.nanoTime();
        try (MemoryRing ring = MemoryRing.create(file, 64 * 1024)) {
            List<Process> writers = new ArrayList<>();
            for (int id = 1; id <= producers; id++) {
                writers.add(producer(file, id, Long.toString(perProducer)));
            }
            long[] next = new long[producers + 1];
            long[] lastPosition = {-1};
            long[] total = {0};
            pollUntil(ring, record -> {
                int id = record.getInt(0);
                if (id < 1 || id > producers || record.getLong(8) != next[id]) {
                    fail("producer " + id + ": expected record " + (id < 1 || id > producers ? "none" : next[id])
                            + ", got " + record.getLong(8));
                }
                next[id]++;
                if (record.position() <= lastPosition[0]) {
                    fail("delivered out of reservation order at " + record.position());
                }
                lastPosition[0] = record.position();
                total[0]++;
                return true;
            }, () -> total[0] == producers * perProducer, () -> writers.forEach(writer -> {
                if (!writer.isAlive() && writer.exitValue() != 0) {
                    throw new AssertionError("a producer process failed: exit " + writer.exitValue());
                }
            }));
            for (Process writer : writers) {
                assertTrue(writer.waitFor(LONG.toSeconds(), TimeUnit.SECONDS));
                assertEquals(0, writer.exitValue());
            }
            assertEquals(0, consume(ring, r -> true), "nothing duplicated");
            assertEquals(0, ring.abandoned());
            report("processes, shared file", total[0], start);
        }
    }

    /** Records for the stress runs, {@code -Dbpfring.stress.records=N} (split among the producers). */
    private static final long STRESS_RECORDS = Long.getLong("bpfring.stress.records", 600_000);

    /** Says how fast a stress run went, for runs scaled up with the property. */
    private static void report(String what, long records, long startNanos) {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("stress (%s): %,d records in %.1f s, %.2f M/s; 0 lost, 0 duplicated, 0 reordered%n",
                what, records, seconds, records / seconds / 1e6);
    }

    /**
     * Polls until {@code done}. A test that goes wrong fails instead of waiting forever: when a
     * poll finds nothing, {@code checkProducers} throws if a producer failed, and a whole
     * {@link #LONG} without a record fails the test.
     */
    private static void pollUntil(MemoryRing ring, RecordHandler handler, BooleanSupplier done,
                                  Runnable checkProducers) {
        long lastRecord = System.nanoTime();
        try (MemoryRingReader reader = ring.reader(handler)) {
            while (!done.getAsBoolean()) {
                if (reader.poll(Duration.ofMillis(100)) > 0) {
                    lastRecord = System.nanoTime();
                } else {
                    checkProducers.run();
                    assertTrue(System.nanoTime() - lastRecord < LONG.toNanos(), "no record for " + LONG);
                }
            }
        }
    }

    /** Lengths from 16 to 64 bytes, most not multiples of 8: records of every span, padded. */
    private static int lengthOf(long seq) {
        return 16 + (int) (seq % 13) * 4;
    }

    interface RecordViewCheck {
        void accept(RecordView record);
    }

    /** A timeout too long for a long of nanoseconds waits as if without a limit, instead of overflowing. */
    @Test
    void timeoutsBeyondALongOfNanosecondsWork() {
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
        try (MemoryRing ring = MemoryRing.inMemory(4096)) {
            ring.reserve(16, forever).submit();
            assertEquals(1, poll(ring, r -> true, forever));
            assertTrue(ring.output(new byte[8]));
            assertEquals(1, busyPoll(ring, r -> true, forever));
            assertThrows(IllegalArgumentException.class, () -> poll(ring, r -> true, Duration.ofSeconds(-1)));
        }
    }

    @Test
    void aSlowReservationHoldsBackLaterRecordsAndNeverReordersThem() {
        try (MemoryRing ring = MemoryRing.inMemory(4096)) {
            Reservation slow = ring.reserve(16);
            put(ring, 1, 1);
            List<Integer> seen = new ArrayList<>();
            assertEquals(0, consume(ring, r -> seen.add(r.getInt(0))));
            slow.payload().set(JAVA_INT, 0, 0);
            slow.submit();
            assertEquals(2, consume(ring, r -> seen.add(r.getInt(0))));
            assertEquals(List.of(0, 1), seen);
        }
    }

    @Test
    void aFullRingFailsReserveAtOnceAndDiscardsAreSkipped() {
        try (MemoryRing ring = MemoryRing.inMemory(4096)) {
            int fitted = 0;
            while (ring.reserve(100) != null) {
                fitted++;
            }
            assertEquals((4096 - 1) / 112, fitted);
            // 4032 bytes held: three 16-byte records still fit below size - 1, then none.
            int small = 0;
            while (ring.reserve(8) != null) {
                small++;
            }
            assertEquals(3, small);
            assertNull(ring.reserve(8, Duration.ofMillis(5)), "nobody consumes: the wait runs out");
        }
        try (MemoryRing ring = MemoryRing.inMemory(4096)) {
            Reservation a = ring.reserve(8);
            Reservation b = ring.reserve(8);
            a.payload().set(JAVA_LONG, 0, 1);
            b.payload().set(JAVA_LONG, 0, 2);
            a.discard();
            b.submit();
            List<Long> values = new ArrayList<>();
            assertEquals(1, consume(ring, r -> values.add(r.getLong(0))));
            assertEquals(List.of(2L), values);
        }
    }

    @Test
    void theConsumerSleepsUntilASubmitWakesIt() throws Exception {
        try (MemoryRing ring = MemoryRing.inMemory(4096)) {
            CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> poll(ring, r -> true, LONG));
            Thread.sleep(50);
            Reservation held = ring.reserve(8);
            ring.reserve(8).submit(Wakeup.NO_WAKEUP);
            assertThrows(TimeoutException.class, () -> polled.get(200, TimeUnit.MILLISECONDS));
            held.submit(); // the record the consumer waits at: the adaptive wake-up
            assertEquals(2, polled.get(LONG.toSeconds(), TimeUnit.SECONDS));
            assertEquals(0, busyPoll(ring, r -> true, Duration.ofMillis(5)));
        }
    }

    /** FORCE_WAKEUP wakes a consumer that waits at another record, which the adaptive wake-up leaves asleep. */
    @Test
    void aForcedWakeupWakesAConsumerWaitingElsewhere() throws Exception {
        try (MemoryRing ring = MemoryRing.inMemory(4096)) {
            CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> poll(ring, r -> true, LONG));
            Thread.sleep(50);
            ring.reserve(8).submit(Wakeup.NO_WAKEUP); // the consumer waits at this one
            ring.reserve(8).submit(); // not where the consumer waits: no wake-up
            assertThrows(TimeoutException.class, () -> polled.get(200, TimeUnit.MILLISECONDS));
            ring.reserve(8).submit(Wakeup.FORCE_WAKEUP);
            assertEquals(3, polled.get(LONG.toSeconds(), TimeUnit.SECONDS));
        }
    }

    @Test
    void aReservationIsWrittenInPlaceAndSubmittedOnce() {
        try (MemoryRing ring = MemoryRing.inMemory(4096)) {
            Reservation record = ring.reserve(12);
            assertEquals(12, record.payload().byteSize());
            record.payload().set(JAVA_LONG, 0, 42);
            record.payload().set(JAVA_INT, 8, 7);
            record.submit();
            IllegalStateException twice = assertThrows(IllegalStateException.class, record::submit);
            assertTrue(twice.getMessage().contains("was submitted already"), twice.getMessage());
            assertThrows(IllegalStateException.class, record::discard);
            record.close(); // submitted: nothing to discard

            Reservation dropped = ring.reserve(8);
            dropped.discard(Wakeup.NO_WAKEUP);
            IllegalStateException again = assertThrows(IllegalStateException.class, () -> dropped.submit(Wakeup.ADAPTIVE));
            assertTrue(again.getMessage().contains("was discarded already"), again.getMessage());
            assertThrows(IllegalStateException.class, dropped::discard);

            List<String> seen = new ArrayList<>();
            assertEquals(1, consume(ring, r -> seen.add(r.length() + ":" + r.getLong(0) + ":" + r.getInt(8))));
            assertEquals(List.of("12:42:7"), seen, "the submitted record, once, as written; the discarded one skipped");
        }
    }

    /** The allocation-free form: a position, written in place, submitted or discarded once. */
    @Test
    void aReservedPositionIsWrittenInPlaceAndSubmittedOnce() {
        try (MemoryRing ring = MemoryRing.inMemory(4096)) {
            long kept = ring.reservePosition(12);
            long dropped = ring.reservePosition(8);
            ring.data().set(JAVA_LONG, ring.payloadOffset(kept), 42);
            ring.data().set(JAVA_INT, ring.payloadOffset(kept) + 8, 7);
            ring.discard(dropped, Wakeup.NO_WAKEUP);
            ring.submit(kept, Wakeup.ADAPTIVE);
            IllegalStateException twice = assertThrows(IllegalStateException.class, () -> ring.submit(kept, Wakeup.ADAPTIVE));
            assertTrue(twice.getMessage().contains("submitted or discarded already"), twice.getMessage());
            assertThrows(IllegalStateException.class, () -> ring.discard(dropped, Wakeup.ADAPTIVE));
            assertThrows(IllegalStateException.class, () -> ring.submit(kept + 4096 * 8, Wakeup.ADAPTIVE), "never reserved");

            List<String> seen = new ArrayList<>();
            assertEquals(1, consume(ring, r -> seen.add(r.length() + ":" + r.getLong(0) + ":" + r.getInt(8))));
            assertEquals(List.of("12:42:7"), seen, "the submitted record, once, as written; the discarded one skipped");
            assertTrue(ring.reservePosition(ring.maxLength()) != -1);
            assertEquals(-1, ring.reservePosition(8), "no room is -1, at once");
        }
    }

    /** A reservation left unsubmitted in a try-with-resources block is discarded, and the records after it flow. */
    @Test
    void tryWithResourcesDiscardsAnUnsubmittedReservation() {
        try (MemoryRing ring = MemoryRing.inMemory(4096)) {
            IllegalArgumentException failed = assertThrows(IllegalArgumentException.class, () -> {
                try (Reservation record = ring.reserve(8)) {
                    record.payload().set(JAVA_LONG, 0, 1);
                    put(ring, 0, 2); // reserved after it: held back by it
                    throw new IllegalArgumentException("writing the record failed");
                }
            });
            assertEquals("writing the record failed", failed.getMessage());
            put(ring, 0, 3);
            List<Long> seen = new ArrayList<>();
            assertEquals(2, consume(ring, r -> seen.add(r.getLong(8))));
            assertEquals(List.of(2L, 3L), seen, "the unsubmitted record skipped, the ones after it delivered");
        }
    }

    /** A write outside a reservation's payload is refused, and the record after it is left as it was. */
    @Test
    void aWritePastThePayloadNeverReachesTheNextRecord() {
        try (MemoryRing ring = MemoryRing.inMemory(4096)) {
            Reservation first = ring.reserve(8);
            Reservation second = ring.reserve(8);
            second.payload().set(JAVA_LONG, 0, 2);
            first.payload().set(JAVA_LONG, 0, 1);
            assertThrows(IndexOutOfBoundsException.class, () -> first.payload().set(JAVA_LONG, 8, -1L));
            assertThrows(IndexOutOfBoundsException.class, () -> first.payload().set(JAVA_INT, 12, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> second.payload().set(JAVA_LONG, -8, -1L));
            first.submit();
            second.submit();
            List<Long> seen = new ArrayList<>();
            assertEquals(2, consume(ring, r -> seen.add(r.getLong(0))));
            assertEquals(List.of(1L, 2L), seen);
        }
    }

    /** A reservation of a ring closed under it cannot be submitted; closing it then throws nothing. */
    @Test
    void aReservationOfAClosedRingIsRefused() {
        MemoryRing ring = MemoryRing.inMemory(4096);
        Reservation record = ring.reserve(8);
        ring.close();
        assertThrows(ClosedException.class, record::submit);
        record.close();
        assertThrows(IllegalStateException.class, () -> record.payload().set(JAVA_LONG, 0, 1L), "unmapped");
    }

    @Test
    void badInputIsAClearError() throws Exception {
        try (MemoryRing ring = MemoryRing.inMemory(4096)) {
            assertThrows(IllegalArgumentException.class, () -> ring.reserve(0));
            assertThrows(IllegalArgumentException.class, () -> ring.reserve(-1));
            IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class, () -> ring.reserve(4096));
            assertTrue(tooBig.getMessage().contains("1.." + ring.maxLength()), tooBig.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> MemoryRing.inMemory(5000));
        Path garbage = dir.resolve("garbage");
        Files.write(garbage, new byte[3 * 4096]);
        assertThrows(CorruptRingException.class, () -> MemoryRing.open(garbage));
        Path odd = dir.resolve("odd");
        Files.write(odd, new byte[12345]);
        assertThrows(CorruptRingException.class, () -> MemoryRing.open(odd));
        MemoryRing closed = MemoryRing.inMemory(4096);
        closed.close();
        assertThrows(ClosedException.class, () -> closed.reserve(8));
    }

    private MemoryRing ring(boolean sharedFile) {
        return sharedFile ? MemoryRing.create(dir.resolve("ring"), 16 * 1024) : MemoryRing.inMemory(16 * 1024);
    }

    /** Lines of /proc/self/maps that map a ring of this test: an anonymous ring's memfd, or a file in its folder. */
    private long ringMappings() throws IOException {
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.filter(line -> line.contains("memfd:bpfring") || line.contains(dir.toString())).count();
        }
    }

    @ParameterizedTest(name = "shared file: {0}")
    @ValueSource(booleans = {false, true})
    void closeFromAnotherThreadEndsASleepingPollAtOnce(boolean sharedFile) throws Exception {
        long mappings = ringMappings();
        MemoryRing ring = ring(sharedFile);
        CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> poll(ring, r -> true, LONG));
        Thread.sleep(100); // let it sleep on the futex; a close before that ends it all the same
        ring.close();
        assertEquals(0, polled.get(2, TimeUnit.SECONDS), "the poll ends at the close, not at its 30 s timeout");
        assertEquals(mappings, ringMappings(), "unmapped once the poll has returned");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> poll(ring, r -> true, LONG));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void aHandlerRunningAtCloseFinishesItsBatchBeforeTheRingIsUnmapped() throws Exception {
        long mappings = ringMappings();
        MemoryRing ring = MemoryRing.inMemory(4096);
        put(ring, 1, 41);
        put(ring, 1, 42);
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        List<Long> seen = new CopyOnWriteArrayList<>();
        CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> poll(ring, r -> {
            inHandler.countDown();
            awaitLatch(closed);
            seen.add(r.getLong(8)); // reads the record after another thread closed the ring
            return true;
        }, LONG));
        assertTrue(inHandler.await(LONG.toSeconds(), TimeUnit.SECONDS));
        ring.close();
        assertThrows(IllegalStateException.class, () -> ring.reserve(8), "closed for everyone else at once");
        closed.countDown();
        assertEquals(2, polled.get(LONG.toSeconds(), TimeUnit.SECONDS), "what was committed is delivered");
        assertEquals(List.of(41L, 42L), seen);
        assertEquals(mappings, ringMappings());
    }

    private static void awaitLatch(CountDownLatch latch) {
        try {
            assertTrue(latch.await(LONG.toSeconds(), TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aHandlerMayCloseItsRing() throws Exception {
        long mappings = ringMappings();
        MemoryRing ring = MemoryRing.inMemory(4096);
        for (long seq = 0; seq < 3; seq++) {
            put(ring, 1, seq);
        }
        List<Long> seen = new ArrayList<>();
        assertEquals(3, poll(ring, r -> {
            seen.add(r.getLong(8));
            ring.close();
            return true;
        }, LONG));
        assertEquals(List.of(0L, 1L, 2L), seen);
        assertThrows(IllegalStateException.class, () -> consume(ring, r -> true));
        assertEquals(mappings, ringMappings());
    }

    /**
     * Producers that wake the consumer with every submit, and a consumer that sleeps between
     * them, while another thread closes the ring: each of them ends soon after, either normally or
     * with the ring's IllegalStateException, never with an error of a system call on memory that
     * is gone.
     */
    @Test
    void closingRacesWithWakingProducersAndASleepingConsumer() throws Exception {
        try (ExecutorService threads = Executors.newFixedThreadPool(3)) {
            for (int round = 0; round < 100; round++) {
                MemoryRing ring = MemoryRing.inMemory(4096);
                AtomicLong polls = new AtomicLong();
                List<CompletableFuture<?>> users = new ArrayList<>();
                for (int p = 0; p < 2; p++) {
                    users.add(CompletableFuture.runAsync(() -> {
                        while (true) {
                            Reservation record = ring.reserve(8);
                            if (record != null) {
                                record.submit(Wakeup.FORCE_WAKEUP);
                            }
                        }
                    }, threads));
                }
                users.add(CompletableFuture.runAsync(() -> {
                    while (poll(ring, r -> true, LONG) > 0) {
                        polls.incrementAndGet();
                    }
                }, threads));
                while (polls.get() < 10) {
                    Thread.onSpinWait();
                }
                ring.close();
                for (CompletableFuture<?> user : users) {
                    try {
                        user.get(2, TimeUnit.SECONDS);
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof IllegalStateException)) {
                            throw new AssertionError("round " + round + ": not a closed ring's error", e.getCause());
                        }
                    }
                }
            }
        }
    }

    private Process producer(Path file, int id, String... what) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", Jvm.classPath(),
                RingProducerProcess.class.getName(), file.toString(), Integer.toString(id)));
        command.addAll(List.of(what));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        children.add(child);
        return child;
    }

    @Test
    void producersInOtherProcessesAndADeadOneThatHeldAReservation() throws Exception {
        Path file = dir.resolve("ring");
        List<Process> processes = new ArrayList<>();
        try (MemoryRing ring = MemoryRing.create(file, 8192)) {
            Process holder = producer(file, 7, "hold");
            processes.add(holder);
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
            assertTrue(out.readLine().startsWith("holding"));
            Process writer = producer(file, 8, "20000");
            processes.add(writer);
            long[] next = {0};
            // The held reservation blocks everything behind it while its process lives.
            Thread.sleep(200);
            assertEquals(0, consume(ring, r -> true));
            holder.destroyForcibly().waitFor();
            pollUntil(ring, r -> {
                assertEquals(8, r.getInt(0));
                assertEquals(next[0]++, r.getLong(8));
                return true;
            }, () -> next[0] == 20000, () -> assertTrue(writer.isAlive(),
                    () -> "the writer exited (" + writer.exitValue() + ") before all its records came"));
            assertTrue(writer.waitFor(LONG.toSeconds(), TimeUnit.SECONDS));
            assertEquals(0, writer.exitValue());
            assertEquals(1, ring.abandoned(), "the dead producer's record is skipped and counted");
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }

    /**
     * A consumer that restarts makes its ring again while a producer in another process writes
     * into the old one. The old file is never shrunk under the producer (its next access would
     * fault), the new ring is made apart from it, and the producer, told at its next reservation,
     * opens the path again.
     */
    @Test
    void aRingCreatedAgainWhileAProducerWritesIntoTheOldOne() throws Exception {
        Path file = dir.resolve("ring");
        long count = 20_000;
        long[] last = {-1};
        RecordViewCheck inOrder = inOrderFrom(5, last);
        Process writer;
        try (MemoryRing ring = MemoryRing.create(file, 8192)) {
            writer = producer(file, 5, Long.toString(count));
            consumeUntil(ring, writer, inOrder, last, 1000);
        }
        try (MemoryRing ring = MemoryRing.create(file, 8192)) {
            consumeUntil(ring, writer, inOrder, last, count - 1);
            assertEquals(0, writer.waitFor());
            String said = new String(writer.getInputStream().readAllBytes());
            assertTrue(said.contains("reopened"), said);
            assertEquals(0, ring.abandoned());
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "nothing left beside the ring file");
        }
    }

    /** While the ring is open in its creator, a create of its path is refused, and the ring goes on. */
    @Test
    void aRingInUseIsNotCreatedAgain() throws Exception {
        Path file = dir.resolve("ring");
        long count = 5_000;
        long[] last = {-1};
        RecordViewCheck inOrder = inOrderFrom(6, last);
        try (MemoryRing ring = MemoryRing.create(file, 8192)) {
            Process writer = producer(file, 6, Long.toString(count));
            consumeUntil(ring, writer, inOrder, last, 1000);
            IllegalStateException inUse = assertThrows(IllegalStateException.class, () -> MemoryRing.create(file, 8192));
            assertTrue(inUse.getMessage().contains("in use"), inUse.getMessage());
            consumeUntil(ring, writer, inOrder, last, count - 1);
            assertEquals(0, writer.waitFor());
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "the refused create left nothing behind");
        }
    }

    /** Checks that records come from {@code producer} with rising sequence numbers, the last in {@code last[0]}. */
    private static RecordViewCheck inOrderFrom(int producer, long[] last) {
        return r -> {
            assertEquals(producer, r.getInt(0));
            assertTrue(r.getLong(8) > last[0], "after " + last[0] + " came " + r.getLong(8));
            last[0] = r.getLong(8);
        };
    }

    /** Polls until the record with sequence number {@code seq} arrived, or fails if the producer has gone. */
    private static void consumeUntil(MemoryRing ring, Process producer, RecordViewCheck check, long[] last, long seq) {
        while (last[0] < seq) {
            if (poll(ring, r -> {
                check.accept(r);
                return true;
            }, Duration.ofSeconds(1)) == 0 && !producer.isAlive()) {
                throw new AssertionError("the producer ended (exit " + producer.exitValue() + ") at " + last[0]);
            }
        }
    }

    /** A ring file that something else truncated is refused before it is mapped, and the message says so. */
    @Test
    void openRefusesARingFileThatWasTruncated() throws Exception {
        Path file = dir.resolve("ring");
        MemoryRing.create(file, 4 * (int) Sys.pageSize()).close();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(3 * Sys.pageSize());
        }
        CorruptRingException e = assertThrows(CorruptRingException.class, () -> MemoryRing.open(file));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    /** Long enough for any call that must return to have returned: a hang fails the test. */
    private static final Duration HANG = Duration.ofSeconds(30);

    /**
     * A producer process stopped (SIGSTOP) while it holds the lock holds nobody up for ever: a
     * timed reservation gives up at its deadline, an untimed one after the lock's patience. After
     * SIGCONT the stopped producer goes on.
     */
    @Test
    void aProducerStoppedHoldingTheLockHoldsNobodyUpForEver() throws Exception {
        Path file = dir.resolve("ring");
        long count = 5_000;
        try (MemoryRing ring = MemoryRing.create(file, 8192); Arena arena = Arena.ofConfined()) {
            MemorySegment lock = lockWord(file, arena);
            Process eager = producer(file, 9, "eager", Long.toString(count));
            stopHoldingTheLock(eager, lock);
            long[] last = {-1};
            RecordViewCheck inOrder = inOrderFrom(9, last);
            consume(ring, r -> {
                inOrder.accept(r);
                return true;
            }); // room enough now: only the lock is in the way
            assertTimeoutPreemptively(HANG, () -> {
                assertNull(ring.reserve(16, Duration.ofMillis(100)));
                assertNull(ring.reserve(16));
            });
            signal(eager, "CONT");
            consumeUntil(ring, eager, inOrder, last, count - 1);
            assertEquals(0, eager.waitFor());
            Reservation record = ring.reserve(16, LONG);
            assertNotNull(record, "the lock is free again");
            record.discard();
        }
    }

    /** A producer process killed while it holds the lock loses it to the next producer. */
    @Test
    void aProducerKilledHoldingTheLockLosesIt() throws Exception {
        Path file = dir.resolve("ring");
        try (MemoryRing ring = MemoryRing.create(file, 8192); Arena arena = Arena.ofConfined()) {
            MemorySegment lock = lockWord(file, arena);
            Process eager = producer(file, 10, "eager", Long.toString(Long.MAX_VALUE));
            stopHoldingTheLock(eager, lock);
            eager.destroyForcibly().waitFor();
            consume(ring, r -> true);
            assertTimeoutPreemptively(HANG, () -> {
                Reservation record = ring.reserve(16);
                assertNotNull(record, "the dead producer's lock was taken over");
                record.submit();
            });
            assertEquals(0, lock.get(JAVA_INT, 0), "and let go");
        }
    }

    /**
     * A lock word that holds this process's pid while none of its producers is at it (one failed
     * holding it, say as its ring was closed under it) is this process's to take, through any
     * instance of the file.
     */
    @Test
    void aStaleLockWordOfThisProcessIsTakenBack() throws Exception {
        Path file = dir.resolve("ring");
        int pid = (int) ProcessHandle.current().pid();
        try (MemoryRing ring = MemoryRing.create(file, 8192); MemoryRing other = MemoryRing.open(file);
             Arena arena = Arena.ofConfined()) {
            MemorySegment lock = lockWord(file, arena);
            lock.set(JAVA_INT, 0, pid);
            assertTimeoutPreemptively(HANG, () -> {
                Reservation record = ring.reserve(16, Duration.ofMillis(100));
                assertNotNull(record, "reserved");
                record.submit();
            });
            assertEquals(0, lock.get(JAVA_INT, 0), "the lock is free again");
            lock.set(JAVA_INT, 0, pid);
            assertTimeoutPreemptively(HANG, () -> {
                Reservation record = other.reserve(16);
                assertNotNull(record, "reserved");
                record.submit();
            });
            assertEquals(0, lock.get(JAVA_INT, 0), "the lock is free again");
            assertEquals(2, consume(ring, r -> true));
        }
    }

    /** The lock word of a ring file (docs/ring-file.md: byte 128 of the producer page), mapped here. */
    private static MemorySegment lockWord(Path file, Arena arena) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return channel.map(FileChannel.MapMode.READ_WRITE, Sys.pageSize() + 128, 4, arena);
        }
    }

    /**
     * Waits for the "eager" producer to open the ring, then stops it (SIGSTOP) at a moment when it
     * holds the lock, as it does much of the time once the ring is full: stops it, looks, and lets
     * it go on (SIGCONT) until it is so.
     */
    private static void stopHoldingTheLock(Process producer, MemorySegment lockWord) throws Exception {
        assertEquals("open", new BufferedReader(new InputStreamReader(producer.getInputStream())).readLine());
        while (true) {
            signal(producer, "STOP");
            awaitStopped(producer);
            if (lockWord.get(JAVA_INT, 0) == producer.pid()) {
                return;
            }
            signal(producer, "CONT");
        }
    }

    private static void signal(Process process, String signal) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor());
    }

    /** Waits until every thread of {@code process} has stopped: only then is the lock word still. */
    private static void awaitStopped(Process process) throws Exception {
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        while (true) {
            try (var threads = Files.list(tasks)) {
                if (threads.allMatch(MemoryRingTest::stopped)) {
                    return;
                }
            }
            Thread.onSpinWait();
        }
    }

    /** Whether the thread of /proc/PID/task/TID is stopped (or gone): the state follows the parenthesised name. */
    private static boolean stopped(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) == 'T';
        } catch (NoSuchFileException gone) {
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
