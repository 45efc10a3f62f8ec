package io.bpfring.ringbuf;

import io.bpfring.ClosedException;
import io.bpfring.Record;
import io.bpfring.RecordBuffer;
import io.bpfring.bpf.BpfMap;
import io.bpfring.ring.ControlledRecordHandler;
import io.bpfring.ring.RecordView;
import io.bpfring.ring.RingLayout;
import io.bpfring.ring.Wakeup;
import io.bpfring.sys.Epoll;
import io.bpfring.testing.Emitter;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RingBufReader against real kernel ring buffers, fed by BPF_PROG_TEST_RUN. */
class RingBufReaderTest {
    private static final int SIZE = 16 * 1024;
    /** Long enough never to end a test that works; it only bounds one that hangs. */
    private static final Duration LONG = Duration.ofSeconds(30);

    private BpfMap ring;
    private Emitter emitter;
    private final List<Long> seqs = new ArrayList<>();

    @BeforeEach
    void setUp() {
        Kernel.require();
        ring = BpfMap.ringBuf("rb", SIZE);
        emitter = new Emitter(ring);
    }

    @AfterEach
    void tearDown() {
        if (emitter != null) {
            emitter.close();
        }
        if (ring != null) {
            ring.close();
        }
    }

    private boolean collect(RecordView record) {
        seqs.add(record.getLong(0));
        return true;
    }

    /** The payload the emitter writes for a record of {@code size} bytes carrying {@code seq}. */
    private static byte[] expected(int size, long seq) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = Emitter.pattern(i);
        }
        for (int i = 0; i < 8 && size >= 8; i++) {
            bytes[i] = (byte) (seq >>> (8 * i));
        }
        return bytes;
    }

    @Test
    void recordsOfEverySizeArriveWhole() {
        List<byte[]> got = new ArrayList<>();
        // The largest record that fits an empty ring: its span may reach size - 8.
        int largest = SIZE - 2 * RingLayout.HEADER_SIZE;
        int[] sizes = {1, 2, 3, 7, 8, 9, 15, 16, 17, 100, 1000, 4095, 4096, 4097, 8000, 12345, largest};
        try (RingBufReader reader = RingBufReader.of(ring, r -> got.add(r.toByteArray()))) {
            for (int i = 0; i < sizes.length; i++) {
                emitter.output(sizes[i], i);
                assertEquals(1, reader.consume(), "size " + sizes[i]);
                assertArrayEquals(expected(sizes[i], i), got.get(i), "size " + sizes[i]);
            }
            assertEquals(0, emitter.dropped());
        }
    }

    @Test
    void recordsThatWrapAcrossTheEndAreContiguous() {
        int size = 1000;
        int[] wrapped = {0};
        List<byte[]> got = new ArrayList<>();
        try (RingBufReader reader = RingBufReader.of(ring, r -> {
            long start = (r.position() & (SIZE - 1)) + RingLayout.HEADER_SIZE;
            if (start + r.length() > SIZE) {
                wrapped[0]++;
            }
            got.add(r.toByteArray());
            return true;
        })) {
            // Five rings' worth of records, consumed in batches of ten.
            int records = 5 * SIZE / (size + RingLayout.HEADER_SIZE);
            for (int i = 0; i < records; i++) {
                emitter.output(size, i);
                if (i % 10 == 9) {
                    reader.consume();
                }
            }
            reader.consume();
            assertEquals(records, got.size());
            for (int i = 0; i < records; i++) {
                assertArrayEquals(expected(size, i), got.get(i), "record " + i);
            }
            assertTrue(wrapped[0] >= 4, "records that wrapped: " + wrapped[0]);
        }
    }

    @Test
    void discardedRecordsAreSkippedButConsumed() {
        try (RingBufReader reader = RingBufReader.of(ring, this::collect)) {
            for (int i = 0; i < 20; i++) {
                emitter.reserve(i, i % 3 == 1);
            }
            RingBufReader.Ring r = reader.ring(0);
            assertEquals(20L * RingLayout.span(Emitter.RESERVED), r.producerPosition());
            reader.consume();
            List<Long> kept = new ArrayList<>();
            for (long i = 0; i < 20; i++) {
                if (i % 3 != 1) {
                    kept.add(i);
                }
            }
            assertEquals(kept, seqs);
            assertEquals(r.producerPosition(), r.consumerPosition());
            assertEquals(0, r.availableBytes());
        }
    }

    @Test
    void aFullRingFailsReservesAndTheProgramCountsEveryDrop() {
        int size = 1000;
        long span = RingLayout.span(size);
        // The kernel refuses a reserve once the producer would run size - 1 bytes ahead.
        int fit = (int) ((SIZE - 1) / span);
        int attempts = fit + 14;
        try (RingBufReader reader = RingBufReader.of(ring, this::collect)) {
            for (int i = 0; i < attempts; i++) {
                emitter.output(size, i);
            }
            assertEquals(attempts - fit, emitter.dropped());
            assertEquals(fit * span, reader.ring(0).availableBytes());
            assertEquals(fit, reader.consume());
            List<Long> first = new ArrayList<>();
            for (long i = 0; i < fit; i++) {
                first.add(i);
            }
            assertEquals(first, seqs);
            // Consuming made room again.
            emitter.output(size, 999);
            assertEquals(1, reader.consume());
            assertEquals(attempts - fit, emitter.dropped());
        }
    }

    @Test
    void reservedRecordsKeepTheirOrderWithOutputRecords() {
        try (RingBufReader reader = RingBufReader.of(ring, this::collect)) {
            for (int i = 0; i < 200; i++) {
                if (i % 2 == 0) {
                    emitter.output(8 + i, i);
                } else {
                    emitter.reserve(i, false);
                }
            }
            reader.consume();
            for (int i = 0; i < 200; i++) {
                assertEquals(i, seqs.get(i));
            }
        }
    }

    @Test
    void severalRingsEachWithItsOwnHandler() {
        try (BpfMap second = BpfMap.ringBuf("rb2", 2 * SIZE);
             Emitter secondEmitter = new Emitter(second);
             RingBufReader reader = new RingBufReader()) {
            List<Long> a = new ArrayList<>();
            List<Long> b = new ArrayList<>();
            RingBufReader.Ring ringA = reader.add(ring, r -> a.add(r.getLong(0)));
            RingBufReader.Ring ringB = reader.add(second, r -> b.add(r.getLong(0)));
            assertEquals(List.of(ringA, ringB), reader.rings());
            assertEquals(SIZE, ringA.size());
            assertEquals(2 * SIZE, ringB.size());
            assertEquals(ring.fd(), ringA.mapFd());
            emitter.output(8, 1);
            secondEmitter.output(8, 100);
            secondEmitter.output(8, 101);
            emitter.output(8, 2);
            assertEquals(4, reader.poll(LONG));
            assertEquals(List.of(1L, 2L), a);
            assertEquals(List.of(100L, 101L), b);
            secondEmitter.output(8, 102);
            assertEquals(0, ringA.consume());
            assertEquals(1, ringB.consume());
            assertEquals(List.of(100L, 101L, 102L), b);
        }
    }

    @Test
    void aHandlerThatReturnsFalseStopsAfterItsRecord() {
        try (RingBufReader reader = RingBufReader.of(ring, r -> {
            seqs.add(r.getLong(0));
            return r.getLong(0) != 1;
        })) {
            for (int i = 0; i < 5; i++) {
                emitter.output(16, i);
            }
            assertEquals(2, reader.consume());
            assertEquals(2 * RingLayout.span(16), reader.ring(0).consumerPosition());
            assertEquals(3, reader.poll(LONG));
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L), seqs);
        }
    }

    @Test
    void aHandlerExceptionPropagatesAndItsRecordIsConsumed() {
        try (RingBufReader reader = RingBufReader.of(ring, r -> {
            if (r.getLong(0) == 1) {
                throw new IllegalStateException("boom");
            }
            return collect(r);
        })) {
            for (int i = 0; i < 3; i++) {
                emitter.output(16, i);
            }
            assertThrows(IllegalStateException.class, reader::consume);
            assertEquals(2 * RingLayout.span(16), reader.ring(0).consumerPosition());
            assertEquals(1, reader.consume());
            assertEquals(List.of(0L, 2L), seqs);
        }
    }

    @Test
    void positionsBeforeAndAfter() {
        try (RingBufReader reader = RingBufReader.of(ring, this::collect)) {
            RingBufReader.Ring r = reader.ring(0);
            assertEquals(0, r.consumerPosition());
            assertEquals(0, r.producerPosition());
            assertEquals(0, r.availableBytes());
            assertEquals(SIZE, r.size());
            for (int i = 0; i < 3; i++) {
                emitter.output(10, i);
            }
            long three = 3 * RingLayout.span(10);
            assertEquals(0, r.consumerPosition());
            assertEquals(three, r.producerPosition());
            assertEquals(three, r.availableBytes());
            assertEquals(3, reader.consume());
            assertEquals(three, r.consumerPosition());
            assertEquals(0, r.availableBytes());
        }
    }

    @Test
    void consumeNDeliversAtMostN() {
        try (RingBufReader reader = RingBufReader.of(ring, this::collect)) {
            for (int i = 0; i < 10; i++) {
                emitter.output(8, i);
            }
            assertEquals(3, reader.consume(3));
            assertEquals(2, reader.ring(0).consume(2));
            assertEquals(5, reader.consume());
            assertEquals(0, reader.consume());
            assertEquals(10, seqs.size());
        }
    }

    @Test
    void pollReturnsZeroAtItsTimeoutWhenNothingCame() {
        try (RingBufReader reader = RingBufReader.of(ring, this::collect)) {
            assertEquals(0, reader.poll(Duration.ofMillis(20)));
            assertEquals(0, reader.poll(Duration.ZERO));
            assertEquals(0, reader.busyPoll(Duration.ofMillis(5)));
            assertThrows(IllegalArgumentException.class, () -> reader.poll(Duration.ofMillis(-1)));
        }
    }

    @Test
    void aBlockedPollWakesWhenARecordIsCommitted() throws Exception {
        try (RingBufReader reader = RingBufReader.of(ring, this::collect)) {
            CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> reader.poll(LONG));
            Thread.sleep(50); // let it block in epoll_wait; a record before that is found anyway
            emitter.output(8, 42);
            assertEquals(1, polled.get(LONG.toSeconds(), TimeUnit.SECONDS));
            assertEquals(List.of(42L), seqs);
        }
    }

    @Test
    void aProducerControlledRingIsWokenOnlyWhenTheProgramSaysSo() throws Exception {
        try (RingBufReader reader = new RingBufReader()) {
            reader.add(ring, this::collect, Notification.PRODUCER_CONTROLLED);
            CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> reader.poll(LONG));
            Thread.sleep(50);
            emitter.output(8, 1, Wakeup.NO_WAKEUP);
            emitter.reserve(2, false); // flags 0: the adaptive wake-up is not for this ring
            assertThrows(TimeoutException.class, () -> polled.get(300, TimeUnit.MILLISECONDS));
            emitter.output(8, 3, Wakeup.FORCE_WAKEUP);
            assertEquals(3, polled.get(LONG.toSeconds(), TimeUnit.SECONDS));
            assertEquals(List.of(1L, 2L, 3L), seqs);
            // What waits without a wake-up is read when the poll's time is up.
            emitter.output(8, 4, Wakeup.NO_WAKEUP);
            assertEquals(1, reader.poll(Duration.ofMillis(50)));
        }
    }

    @Test
    void anAdaptiveRingPicksUpRecordsCommittedWithoutAWakeupBeforeSleeping() {
        try (RingBufReader reader = RingBufReader.of(ring, this::collect)) {
            emitter.output(8, 1, Wakeup.NO_WAKEUP);
            emitter.output(8, 2, Wakeup.NO_WAKEUP);
            assertEquals(2, reader.poll(LONG));
            assertEquals(List.of(1L, 2L), seqs);
        }
    }

    @Test
    void busyPollDeliversWhatIsCommitted() throws Exception {
        try (RingBufReader reader = RingBufReader.of(ring, this::collect)) {
            CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> reader.busyPoll(LONG));
            emitter.output(8, 7);
            assertEquals(1, polled.get(LONG.toSeconds(), TimeUnit.SECONDS));
            assertEquals(List.of(7L), seqs);
        }
    }

    /**
     * A busy poll on an empty ring backs off to parking: it must leave most of its core to the
     * producers it waits for, and still deliver what they commit. (Spinning took all of it.) Its
     * CPU time is compared with that of a thread spinning beside it for the same second, not with
     * the wall time: on a loaded machine a spinning thread gets only its share of a core.
     */
    @Test
    void anIdleBusyPollLeavesTheCoreToProducersAndStillDelivers() throws Exception {
        try (RingBufReader reader = RingBufReader.of(ring, this::collect)) {
            AtomicBoolean spinning = new AtomicBoolean(true);
            CompletableFuture<Long> spinnerCpu = onThreadCountingCpu(() -> {
                while (spinning.get()) {
                    Thread.onSpinWait();
                }
                return 0;
            });
            CompletableFuture<Long> pollerCpu = onThreadCountingCpu(() -> reader.busyPoll(LONG));
            Thread.sleep(1000);
            spinning.set(false);
            emitter.output(8, 7);
            long poller = pollerCpu.get(LONG.toSeconds(), TimeUnit.SECONDS);
            long spinner = spinnerCpu.get(LONG.toSeconds(), TimeUnit.SECONDS);
            assertEquals(List.of(7L), seqs);
            assertTrue(poller < spinner / 2, "the busy poll used " + poller / 1_000_000 + " ms of CPU, a spinning"
                    + " thread beside it " + spinner / 1_000_000 + " ms");
        }
    }

    /** Runs {@code task} on a new platform thread; completes with the CPU nanoseconds it used. */
    private static CompletableFuture<Long> onThreadCountingCpu(IntSupplier task) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        CompletableFuture<Long> cpu = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            long start = threads.getCurrentThreadCpuTime();
            task.getAsInt();
            cpu.complete(threads.getCurrentThreadCpuTime() - start);
        });
        return cpu;
    }

    /**
     * A controlled handler: ABORT leaves the record where it is (the next poll delivers it again,
     * at the same position) and ends the poll, BREAK ends the poll after its record, CONTINUE
     * drains.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"adaptive", "producer-controlled"})
    void aControlledHandlerAbortsBreaksAndContinues(String notification) {
        Deque<ControlledRecordHandler.Action> answers = new ArrayDeque<>(List.of(ControlledRecordHandler.Action.ABORT,
                ControlledRecordHandler.Action.CONTINUE, ControlledRecordHandler.Action.BREAK));
        List<String> seen = new ArrayList<>();
        try (RingBufReader reader = new RingBufReader()) {
            RingBufReader.Ring r = reader.addControlled(ring, record -> {
                seen.add(record.getLong(0) + "@" + record.position());
                return answers.isEmpty() ? ControlledRecordHandler.Action.CONTINUE : answers.poll();
            }, notification.equals("adaptive") ? Notification.ADAPTIVE : Notification.PRODUCER_CONTROLLED);
            for (int i = 0; i < 4; i++) {
                emitter.output(8, i, notification.equals("adaptive") ? Wakeup.ADAPTIVE : Wakeup.FORCE_WAKEUP);
            }
            assertEquals(0, reader.poll(LONG), "aborted: nothing consumed");
            assertEquals(List.of("0@0"), seen);
            assertEquals(0, r.consumerPosition());
            assertEquals(2, reader.poll(LONG), "the aborted record again, then one that breaks");
            assertEquals(List.of("0@0", "0@0", "1@16"), seen);
            assertEquals(32, r.consumerPosition());
            assertEquals(2, reader.consume(), "the rest");
            assertEquals(List.of("0@0", "0@0", "1@16", "2@32", "3@48"), seen);
            assertEquals(r.producerPosition(), r.consumerPosition());
            assertEquals(0, reader.poll(Duration.ZERO));
        }
    }

    @Test
    void readCopiesRecordsInOrderWithTheirRingAndPosition() {
        try (BpfMap second = BpfMap.ringBuf("rb2", SIZE); Emitter secondEmitter = new Emitter(second);
             RingBufReader reader = RingBufReader.of(ring, this::collect)) {
            reader.add(second, this::collect);
            for (int i = 0; i < 3; i++) {
                emitter.output(8, i);
                secondEmitter.output(8, 10 + i);
            }
            List<String> read = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Record record = reader.read(LONG);
                read.add(record.source() + ":" + ByteBuffer.wrap(record.bytes()).order(ByteOrder.nativeOrder()).getLong()
                        + "@" + record.position());
            }
            // Each ring's records in their order, the rings taking turns.
            assertEquals(List.of("0:0@0", "1:10@0", "0:1@16", "1:11@16", "0:2@32", "1:12@32"), read);
            assertEquals(null, reader.read(Duration.ofMillis(20)), "the timeout: nothing");
            assertEquals(List.of(), seqs, "read records go to the reader, not to the handler");
        }
    }

    @Test
    void readIntoReusesTheCallersBuffer() {
        try (RingBufReader reader = RingBufReader.of(ring, this::collect)) {
            RecordBuffer buffer = new RecordBuffer();
            emitter.output(100, 1);
            assertTrue(reader.readInto(buffer, LONG));
            byte[] array = buffer.array();
            assertArrayEquals(expected(100, 1), Arrays.copyOf(array, buffer.length()));
            emitter.output(60, 2);
            emitter.output(100, 3);
            assertTrue(reader.readInto(buffer, LONG));
            assertArrayEquals(expected(60, 2), Arrays.copyOf(buffer.array(), buffer.length()));
            assertTrue(reader.readInto(buffer, LONG));
            assertEquals(RingLayout.span(100) + RingLayout.span(60), buffer.position());
            assertArrayEquals(expected(100, 3), Arrays.copyOf(buffer.array(), buffer.length()));
            assertSame(array, buffer.array(), "no new array once the buffer fits");
            assertFalse(reader.readInto(buffer, Duration.ZERO));
        }
    }

    /** read() takes records in place of the bound handler; a poll then delivers the rest to it. */
    @Test
    void pullAndPushOnOneReaderShareTheRecords() {
        try (RingBufReader reader = RingBufReader.of(ring, this::collect)) {
            for (int i = 0; i < 3; i++) {
                emitter.output(8, i);
            }
            assertEquals(0, ByteBuffer.wrap(reader.read(LONG).bytes()).order(ByteOrder.nativeOrder()).getLong());
            assertEquals(2, reader.poll(LONG));
            assertEquals(List.of(1L, 2L), seqs);
            assertEquals(null, reader.read(Duration.ZERO));
        }
    }

    /** close() from another thread ends a read that waits, and the stream of records. */
    @Test
    void closeEndsABlockedReadAndTheStream() throws Exception {
        RingBufReader reader = RingBufReader.of(ring, this::collect);
        CompletableFuture<Record> read = CompletableFuture.supplyAsync(() -> reader.read(LONG));
        Thread.sleep(50);
        reader.wakeup();
        assertEquals(null, read.get(2, TimeUnit.SECONDS), "a wakeup ends a read");
        List<Long> streamed = new CopyOnWriteArrayList<>();
        CompletableFuture<Long> stream = CompletableFuture.supplyAsync(() -> reader.records()
                .peek(r -> streamed.add(ByteBuffer.wrap(r.bytes()).order(ByteOrder.nativeOrder()).getLong()))
                .count());
        emitter.output(8, 1);
        reader.wakeup(); // does not end the stream
        emitter.output(8, 2);
        awaitUntil(() -> streamed.size() == 2, "the streamed records");
        reader.close();
        assertEquals(2, stream.get(2, TimeUnit.SECONDS), "the stream ends at the close");
        assertEquals(List.of(1L, 2L), streamed);
        assertThrows(ClosedException.class, () -> reader.read(LONG));
    }

    @Test
    void wakeupEndsABlockedPollAtOnce() throws Exception {
        try (RingBufReader reader = RingBufReader.of(ring, this::collect)) {
            CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(() -> reader.poll(LONG));
            Thread.sleep(50);
            reader.wakeup();
            assertEquals(0, polled.get(LONG.toSeconds(), TimeUnit.SECONDS));
            // A wakeup with no poll running ends the next poll, after it delivered what is there.
            emitter.output(8, 1);
            reader.wakeup();
            assertEquals(1, reader.poll(LONG));
            assertEquals(0, reader.poll(LONG));
            assertEquals(List.of(1L), seqs);
        }
    }

    /**
     * Two threads call wakeup() as a poll starts, many thousand times: each poll returns, and
     * then the poller sleeps in epoll again, instead of spinning on a wake-up already taken.
     */
    @Test
    void wakeupsRacingWithAPollNeverLeaveTheNextPollSpinning() throws Exception {
        int rounds = 10_000;
        AtomicBoolean stop = new AtomicBoolean();
        // The reader closes first, which ends a poll that spins; the threads then stop by themselves.
        try (ExecutorService threads = Executors.newFixedThreadPool(3);
             RingBufReader reader = RingBufReader.of(ring, this::collect)) {
            AtomicInteger returned = new AtomicInteger();
            // The round the wakers are to race in, and the count of returned polls that starts it.
            AtomicInteger armed = new AtomicInteger(-1);
            AtomicInteger trigger = new AtomicInteger();
            AtomicInteger woken = new AtomicInteger();
            CompletableFuture<Path> pollerTask = new CompletableFuture<>();
            Future<?> poller = threads.submit(() -> {
                pollerTask.complete(Path.of("/proc", Files.readSymbolicLink(Path.of("/proc/thread-self")).toString()));
                while (!stop.get()) {
                    reader.poll(LONG);
                    returned.incrementAndGet();
                }
                return null;
            });
            for (int w = 0; w < 2; w++) {
                threads.submit(() -> {
                    for (int round = 0; round < rounds; round++) {
                        int thisRound = round;
                        awaitUntil(() -> stop.get() || armed.get() == thisRound && returned.get() >= trigger.get(),
                                "round " + round);
                        if (stop.get()) {
                            return null;
                        }
                        reader.wakeup();
                        woken.incrementAndGet();
                    }
                    return null;
                });
            }
            Path task = pollerTask.get(LONG.toSeconds(), TimeUnit.SECONDS);
            try {
                for (int round = 0; round < rounds; round++) {
                    awaitSleepingInEpoll(task, round);
                    trigger.set(returned.get() + 1);
                    armed.set(round);
                    reader.wakeup(); // ends the sleeping poll; the wakers race with the next one
                    int due = 2 * (round + 1);
                    awaitUntil(() -> woken.get() >= due, "round " + round);
                }
            } finally {
                stop.set(true);
            }
            reader.wakeup();
            poller.get(LONG.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /** Waits until the thread at {@code task} sleeps in epoll_wait; one that keeps running fails the test. */
    private static void awaitSleepingInEpoll(Path task, int round) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!Files.readString(task.resolve("wchan")).contains("epoll")) {
            assertTrue(System.nanoTime() - deadline < 0, "round " + round + ": the poll spins instead of sleeping");
            Thread.yield();
        }
    }

    /** Waits for {@code done}, yielding the core to the threads it waits for (two cores may be all there is). */
    private static void awaitUntil(BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, what + ": no progress");
            Thread.yield();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"adaptive", "producer-controlled", "busy"})
    void closeFromAnotherThreadEndsPollAtOnceAndReleasesTheReader(String poll) throws Exception {
        RingBufReader reader = new RingBufReader();
        reader.add(ring, this::collect,
                poll.equals("producer-controlled") ? Notification.PRODUCER_CONTROLLED : Notification.ADAPTIVE);
        CompletableFuture<Integer> polled = CompletableFuture.supplyAsync(
                () -> poll.equals("busy") ? reader.busyPoll(LONG) : reader.poll(LONG));
        Thread.sleep(50);
        reader.close();
        assertEquals(0, polled.get(2, TimeUnit.SECONDS), "the poll ends at the close, not at its 30 s timeout");
        ClosedException e = assertThrows(ClosedException.class, () -> reader.poll(LONG));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(ClosedException.class, reader::consume);
        assertThrows(ClosedException.class, () -> reader.ring(0).consumerPosition());
        assertThrows(ClosedException.class, reader::epollFd);
        assertThrows(ClosedException.class, () -> reader.add(ring, this::collect));
        reader.close(); // closing twice is harmless
        reader.wakeup(); // and so is a late wakeup
    }

    @Test
    void aHandlerMayCloseItsReaderButNotPollIt() {
        AtomicReference<RingBufReader> self = new AtomicReference<>();
        AtomicReference<Throwable> nested = new AtomicReference<>();
        RingBufReader reader = RingBufReader.of(ring, r -> {
            if (r.getLong(0) == 0) {
                nested.set(assertThrows(IllegalStateException.class, () -> self.get().consume()));
            } else {
                self.get().close();
            }
            return collect(r);
        });
        self.set(reader);
        emitter.output(8, 0);
        emitter.output(8, 1);
        emitter.output(8, 2);
        assertEquals(2, reader.consume(2));
        assertTrue(nested.get().getMessage().contains("handler"), nested.get().getMessage());
        assertThrows(IllegalStateException.class, reader::consume);
    }

    @Test
    void theEpollFdIsReadableForOwnEventLoops() {
        try (RingBufReader reader = RingBufReader.of(ring, this::collect);
             Epoll own = new Epoll(1)) {
            own.add(reader.epollFd(), Epoll.EPOLLIN, 7);
            assertEquals(0, own.await(0), "nothing to read yet");
            emitter.output(8, 1);
            assertEquals(1, own.await((int) LONG.toMillis()));
            assertEquals(7, own.data(0));
            assertEquals(1, reader.consume());
            assertEquals(0, own.await(0), "all read: not readable any more");
        }
    }

    @Test
    void onlyRingBufferMapsCanBeRead() {
        try (BpfMap array = BpfMap.array("notring", 8, 1);
             RingBufReader reader = new RingBufReader()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> reader.add(array, this::collect));
            assertTrue(e.getMessage().contains("not a ring buffer"), e.getMessage());
            assertFalse(reader.rings().iterator().hasNext());
        }
    }
}
