package io.bpfring.reader;

import io.bpfring.ring.CorruptRingException;
import io.bpfring.ring.RecordHandler;
import io.bpfring.ring.RecordView;
import io.bpfring.ring.RingProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
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

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Java producers on the ring buffer protocol: in one JVM and across processes. */
class MemoryRingTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static void put(MemoryRing ring, int producer, long seq) {
        put(ring, producer, seq, 16);
    }

    private static void put(MemoryRing ring, int producer, long seq, int length) {
        long position = ring.reserve(length, LONG);
        assertTrue(position >= 0, "no room");
        ring.data().set(JAVA_INT, ring.payloadOffset(position), producer);
        ring.data().set(JAVA_LONG, ring.payloadOffset(position) + 8, seq);
        ring.commit(position, 0);
    }

    /** In one JVM producers claim without a lock; those of a shared file take the lock. */
    @ParameterizedTest(name = "shared file: {0}")
    @ValueSource(booleans = {false, true})
    void manyProducersOneConsumerNothingLostNothingReordered(boolean sharedFile) throws Exception {
        int producers = 2;
        long perProducer = 300_000;
        // The ring closes first, so producers still running after a failure stop at once.
        try (ExecutorService threads = Executors.newFixedThreadPool(producers);
             MemoryRing ring = ring(sharedFile)) {
            List<CompletableFuture<Void>> producing = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int id = p;
                producing.add(CompletableFuture.runAsync(() -> {
                    for (long seq = 0; seq < perProducer; seq++) {
                        put(ring, id, seq, lengthOf(seq));
                    }
                }, threads));
            }
            long[] next = new long[producers];
            long[] lastPosition = {-1};
            long[] total = {0};
            RecordViewCheck check = record -> {
                int id = record.getInt(0);
                long seq = record.getLong(8);
                assertEquals(next[id], seq, "producer " + id + " out of order or lost");
                assertEquals(lengthOf(seq), record.length());
                next[id]++;
                assertTrue(record.position() > lastPosition[0], "delivered out of reservation order");
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
            assertEquals(0, ring.consume(r -> true), "nothing duplicated");
            // 16 K ring, 48 bytes a record on average: it wrapped more than a thousand times.
            assertTrue(ring.producerPosition() / ring.size() > 1000, "wraps: " + ring.producerPosition() / ring.size());
            assertEquals(0, ring.lost());
        }
    }

    /**
     * Polls until {@code done}. A test that goes wrong fails instead of waiting forever: when a
     * poll finds nothing, {@code checkProducers} throws if a producer failed, and a whole
     * {@link #LONG} without a record fails the test.
     */
    private static void pollUntil(MemoryRing ring, RecordHandler handler, BooleanSupplier done,
                                  Runnable checkProducers) {
        long lastRecord = System.nanoTime();
        while (!done.getAsBoolean()) {
            if (ring.poll(handler, Duration.ofMillis(100)) > 0) {
                lastRecord = System.nanoTime();
            } else {
                checkProducers.run();
                assertTrue(System.nanoTime() - lastRecord < LONG.toNanos(), "no record for " + LONG);
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

    @Test
    void aSlowReservationHoldsBackLaterRecordsAndNeverReordersThem() {
        try (MemoryRing ring = MemoryRing.inMemory(4096)) {
            long slow = ring.reserve(16);
            put(ring, 1, 1);
            List<Integer> seen = new ArrayList<>();
            assertEquals(0, ring.consume(r -> seen.add(r.getInt(0))));
            ring.data().set(JAVA_INT, ring.payloadOffset(slow), 0);
            ring.commit(slow, 0);
            assertEquals(2, ring.consume(r -> seen.add(r.getInt(0))));
            assertEquals(List.of(0, 1), seen);
        }
    }

    @Test
    void aFullRingFailsReserveAtOnceAndDiscardsAreSkipped() {
        try (MemoryRing ring = MemoryRing.inMemory(4096)) {
            int fitted = 0;
            while (ring.reserve(100) >= 0) {
                fitted++;
            }
            assertEquals((4096 - 1) / 112, fitted);
            // 4032 bytes held: three 16-byte records still fit below size - 1, then none.
            int small = 0;
            while (ring.reserve(8) >= 0) {
                small++;
            }
            assertEquals(3, small);
            assertEquals(-1, ring.reserve(8, Duration.ofMillis(5)), "nobody consumes: the wait runs out");
        }
        try (MemoryRing ring = MemoryRing.inMemory(4096)) {
            long a = ring.reserve(8);
            long b = ring.reserve(8);
            ring.discard(a, 0);
            ring.commit(b, 0);
            List<Long> positions = new ArrayList<>();
            assertEquals(1, ring.consume(r -> positions.add(r.position())));
            assertEquals(List.of(b), positions);
        }
    }

    @Test
    void theConsumerSleepsUntilACommitWakesIt() throws Exception {
        try (MemoryRing ring = MemoryRing.inMemory(4096)) {
            CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> ring.poll(r -> true, LONG));
            Thread.sleep(50);
            long held = ring.reserve(8);
            ring.commit(ring.reserve(8), RingProducer.NO_WAKEUP);
            assertThrows(TimeoutException.class, () -> polled.get(200, TimeUnit.MILLISECONDS));
            ring.commit(held, 0); // the record the consumer waits at: the adaptive wake-up
            assertEquals(2, polled.get(LONG.toSeconds(), TimeUnit.SECONDS));
            assertEquals(0, ring.busyPoll(r -> true, Duration.ofMillis(5)));
        }
    }

    @Test
    void badInputIsAClearError() throws Exception {
        try (MemoryRing ring = MemoryRing.inMemory(4096)) {
            assertThrows(IllegalArgumentException.class, () -> ring.reserve(0));
            assertThrows(IllegalArgumentException.class, () -> ring.reserve(-1));
            IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class, () -> ring.reserve(4096));
            assertTrue(tooBig.getMessage().contains("1.." + ring.maxLength()), tooBig.getMessage());
            long position = ring.reserve(8);
            ring.commit(position, 0);
            IllegalStateException twice = assertThrows(IllegalStateException.class, () -> ring.commit(position, 0));
            assertTrue(twice.getMessage().contains("committed or discarded already"), twice.getMessage());
            assertThrows(IllegalStateException.class, () -> ring.commit(12345, 0));
            assertEquals(1, ring.consume(r -> true), "the good record is still there");
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
        assertThrows(IllegalStateException.class, () -> closed.reserve(8));
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
        CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> ring.poll(r -> true, LONG));
        Thread.sleep(100); // let it sleep on the futex; a close before that ends it all the same
        ring.close();
        assertEquals(0, polled.get(2, TimeUnit.SECONDS), "the poll ends at the close, not at its 30 s timeout");
        assertEquals(mappings, ringMappings(), "unmapped once the poll has returned");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ring.poll(r -> true, LONG));
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
        CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> ring.poll(r -> {
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
        assertEquals(3, ring.poll(r -> {
            seen.add(r.getLong(8));
            ring.close();
            return true;
        }, LONG));
        assertEquals(List.of(0L, 1L, 2L), seen);
        assertThrows(IllegalStateException.class, () -> ring.consume(r -> true));
        assertEquals(mappings, ringMappings());
    }

    /**
     * Producers that wake the consumer with every commit, and a consumer that sleeps between
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
                            long position = ring.reserve(8);
                            if (position >= 0) {
                                ring.commit(position, RingProducer.FORCE_WAKEUP);
                            }
                        }
                    }, threads));
                }
                users.add(CompletableFuture.runAsync(() -> {
                    while (ring.poll(r -> true, LONG) > 0) {
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

    private Process producer(Path file, int id, String what) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                RingProducerProcess.class.getName(), file.toString(), Integer.toString(id), what)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
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
            assertEquals(0, ring.consume(r -> true));
            holder.destroyForcibly().waitFor();
            pollUntil(ring, r -> {
                assertEquals(8, r.getInt(0));
                assertEquals(next[0]++, r.getLong(8));
                return true;
            }, () -> next[0] == 20000, () -> assertTrue(writer.isAlive(),
                    () -> "the writer exited (" + writer.exitValue() + ") before all its records came"));
            assertTrue(writer.waitFor(LONG.toSeconds(), TimeUnit.SECONDS));
            assertEquals(0, writer.exitValue());
            assertEquals(1, ring.lost(), "the dead producer's record is skipped and counted");
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }
}
