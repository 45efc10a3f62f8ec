package io.bpfring.flow;

import io.bpfring.Record;
import io.bpfring.bpf.BpfMap;
import io.bpfring.memring.MemoryRing;
import io.bpfring.memring.MemoryRingReader;
import io.bpfring.ringbuf.RingBufReader;
import io.bpfring.testing.Emitter;
import io.bpfring.testing.Kernel;
import io.bpfring.ring.Reservation;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EventPublisher over a MemoryRing and a real kernel ring, with slow subscribers. */
class EventPublisherTest {
    /** Long enough never to end a test that works; it only bounds one that hangs. */
    private static final Duration LONG = Duration.ofSeconds(30);
    private static final int BUFFER = 8;

    /** A subscriber that asks for one record at a time, and waits for {@code gate} before taking the first. */
    private static final class Slow implements Flow.Subscriber<Record> {
        final List<Long> seqs = new CopyOnWriteArrayList<>();
        final CountDownLatch gate;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();

        Slow(CountDownLatch gate) {
            this.gate = gate;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription.set(s);
            s.request(1);
        }

        @Override
        public void onNext(Record item) {
            try {
                assertTrue(gate.await(LONG.toSeconds(), TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            seqs.add(ByteBuffer.wrap(item.bytes()).order(ByteOrder.nativeOrder()).getLong());
            subscription.get().request(1);
        }

        @Override
        public void onError(Throwable throwable) {
            done.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            done.complete(null);
        }
    }

    private static void awaitUntil(BooleanSupplier done, String what) {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, what + ": no progress");
            Thread.yield();
        }
    }

    private static void assertInOrder(List<Long> seqs) {
        for (int i = 1; i < seqs.size(); i++) {
            assertTrue(seqs.get(i - 1) < seqs.get(i), "out of order at " + i + ": " + seqs.get(i - 1) + ", " + seqs.get(i));
        }
    }

    /**
     * BLOCK over a MemoryRing: a subscriber that holds the first record keeps the publisher from
     * reading, the ring fills and its producer waits; nothing is lost, everything arrives in order.
     */
    @Test
    void blockLosesNothingOfAMemoryRing() throws Exception {
        int records = 2000; // 16-byte spans: a 4 KiB ring holds 255
        CountDownLatch gate = new CountDownLatch(1);
        Slow subscriber = new Slow(gate);
        try (MemoryRing ring = MemoryRing.inMemory(4096);
             MemoryRingReader reader = ring.reader(r -> true);
             EventPublisher publisher = EventPublisher.of(reader, EventPublisher.Overflow.BLOCK, BUFFER)) {
            publisher.subscribe(subscriber);
            CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> {
                for (long seq = 0; seq < records; seq++) {
                    Reservation record = ring.reserve(8, LONG);
                    assertNotNull(record, "no room for " + LONG);
                    record.payload().set(JAVA_LONG, 0, seq);
                    record.submit();
                }
            });
            awaitUntil(() -> ring.producerPosition() - ring.consumerPosition() > 4096 - 32, "the ring filling");
            assertTrue(!producing.isDone(), "the producer waits for room");
            gate.countDown();
            producing.get(LONG.toSeconds(), TimeUnit.SECONDS);
            awaitUntil(() -> subscriber.seqs.size() == records, "delivery");
            assertInOrder(subscriber.seqs);
            assertEquals(records, publisher.published());
            assertEquals(0, publisher.dropped());
        }
        subscriber.done.get(LONG.toSeconds(), TimeUnit.SECONDS); // completed at the close
    }

    /**
     * A kernel ring under BLOCK and under DROP, its subscriber holding the first record while a
     * BPF program produces more than the ring and the subscriber's buffer hold: the kernel's
     * drops (the program's failed reserves) and the publisher's add up to what was produced.
     */
    @Test
    void aKernelRingsDropsAreCountedAndAddUp() throws Exception {
        Kernel.require();
        for (EventPublisher.Overflow overflow : EventPublisher.Overflow.values()) {
            int records = 2000;
            try (BpfMap map = BpfMap.ringBuf("rb", 4096); Emitter emitter = new Emitter(map);
                 RingBufReader reader = RingBufReader.of(map, r -> true);
                 EventPublisher publisher = EventPublisher.of(reader, overflow, BUFFER)) {
                CountDownLatch gate = new CountDownLatch(1);
                Slow subscriber = new Slow(gate);
                publisher.subscribe(subscriber);
                for (int seq = 0; seq < records; seq++) {
                    emitter.output(8, seq);
                }
                long kernelDrops = emitter.dropped();
                // Everything the kernel took is read (BLOCK: up to what the subscriber holds).
                awaitUntil(() -> reader.ring(0).availableBytes() == 0
                        || overflow == EventPublisher.Overflow.BLOCK && publisher.published() > BUFFER, "reading");
                gate.countDown();
                awaitUntil(() -> subscriber.seqs.size() + publisher.dropped() + kernelDrops == records,
                        overflow + ": delivered + dropped + kernel drops = produced");
                assertInOrder(subscriber.seqs);
                assertEquals(publisher.published(), subscriber.seqs.size() + publisher.dropped(), overflow.toString());
                if (overflow == EventPublisher.Overflow.BLOCK) {
                    assertEquals(0, publisher.dropped());
                    assertTrue(kernelDrops > 0, "the ring filled while the publisher waited");
                } else {
                    assertTrue(publisher.dropped() > 0, "the publisher dropped for the held subscriber");
                }
            }
        }
    }

    @Test
    void cancelAndCloseEndTheReadingThread() throws Exception {
        try (MemoryRing ring = MemoryRing.inMemory(4096); MemoryRingReader reader = ring.reader(r -> true)) {
            EventPublisher publisher = EventPublisher.of(reader, EventPublisher.Overflow.BLOCK, BUFFER);
            Slow subscriber = new Slow(new CountDownLatch(0));
            publisher.subscribe(subscriber);
            ring.output(new byte[8]);
            awaitUntil(() -> subscriber.seqs.size() == 1, "the first record");
            subscriber.subscription.get().cancel();
            assertTrue(publisher.awaitTermination(LONG), "the last cancel ends the reading");

            publisher = EventPublisher.of(reader, EventPublisher.Overflow.DROP, BUFFER);
            Slow second = new Slow(new CountDownLatch(0));
            publisher.subscribe(second);
            ring.output(new byte[8]);
            awaitUntil(() -> second.seqs.size() == 1, "the first record");
            publisher.close();
            assertTrue(publisher.awaitTermination(LONG), "the close ends the reading");
            second.done.get(LONG.toSeconds(), TimeUnit.SECONDS);

            publisher = EventPublisher.of(reader, EventPublisher.Overflow.DROP, BUFFER);
            Slow third = new Slow(new CountDownLatch(0));
            publisher.subscribe(third);
            reader.close();
            assertTrue(publisher.awaitTermination(LONG), "closing the reader ends the reading");
            third.done.get(LONG.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
