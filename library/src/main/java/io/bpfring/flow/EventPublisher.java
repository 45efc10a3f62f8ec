package io.bpfring.flow;

import io.bpfring.ClosedException;
import io.bpfring.EventReader;
import io.bpfring.Record;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The records of an {@link EventReader} as a {@link Flow.Publisher}: a virtual thread of its own
 * pulls them ({@link EventReader#read}, which copies each out of the buffer) from the first
 * subscription on, and hands them to a {@link SubmissionPublisher}, which buffers up to a
 * capacity per subscriber and delivers on virtual threads.
 *
 * <p><b>A slow subscriber.</b> A kernel buffer cannot be told to wait: what it has no room for,
 * the kernel drops. So the publisher has a policy ({@link Overflow}) for a subscriber whose
 * buffer is full: {@link Overflow#BLOCK} stops reading until it has room, and the records wait
 * in the ring (a {@link io.bpfring.memring.MemoryRing}'s producers then find it full and wait or
 * fail their reserve: nothing is lost here; a kernel ring drops, and the BPF program counts its
 * failed reserves, e.g. with {@link io.bpfring.bpf.DropCounter}; a perf buffer reports lost
 * samples). {@link Overflow#DROP} reads on and drops the record for that subscriber, counted in
 * {@link #dropped()}. Either way what was read adds up: {@link #published()} records, each
 * delivered to every subscriber or counted as dropped for it.
 *
 * <p><b>Ending.</b> Reading ends, and subscribers get {@code onComplete}, at {@link #close()},
 * when every subscriber has cancelled, or when the reader is closed; a reader that fails (a
 * corrupt ring) ends it with {@code onError}. The reader stays the caller's, to close; while the
 * publisher reads, its thread is the reader's one consuming thread.
 */
public final class EventPublisher implements Flow.Publisher<Record>, AutoCloseable {
    /** What the publisher does with a record for a subscriber whose buffer is full. */
    public enum Overflow {
        /** Stop reading until the subscriber has room; the records wait in the buffer being read. */
        BLOCK,
        /** Read on, and drop the record for that subscriber, counted in {@link #dropped()}. */
        DROP
    }

    /** As long as {@link EventReader#read} waits: as if without a limit. */
    private static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE);
    private static final Executor VIRTUAL_THREADS = task -> Thread.ofVirtual().name("bpfring-subscriber").start(task);

    private final EventReader reader;
    private final Overflow overflow;
    private final SubmissionPublisher<Record> publisher;
    private final Thread reading;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicInteger subscribers = new AtomicInteger();
    private final LongAdder published = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private volatile boolean closed;

    private EventPublisher(EventReader reader, Overflow overflow, int bufferCapacity) {
        this.reader = reader;
        this.overflow = overflow;
        this.publisher = new SubmissionPublisher<>(VIRTUAL_THREADS, bufferCapacity);
        this.reading = Thread.ofVirtual().name("bpfring-publisher").unstarted(this::read);
    }

    /**
     * A publisher of {@code reader}'s records.
     *
     * @param bufferCapacity records buffered per subscriber, at most (rounded up to a power of 2);
     *                       {@link Flow#defaultBufferSize()} is a start
     */
    public static EventPublisher of(EventReader reader, Overflow overflow, int bufferCapacity) {
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(overflow, "overflow");
        if (bufferCapacity <= 0) {
            throw new IllegalArgumentException("buffer capacity must be positive, got " + bufferCapacity);
        }
        return new EventPublisher(reader, overflow, bufferCapacity);
    }

    /** Subscribes; the first subscription starts the reading. */
    @Override
    public void subscribe(Flow.Subscriber<? super Record> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        subscribers.incrementAndGet();
        publisher.subscribe(new Counted(subscriber));
        if (!closed && started.compareAndSet(false, true)) {
            reading.start();
        }
    }

    /** Records read from the reader and handed to the subscribers. */
    public long published() {
        return published.sum();
    }

    /** Records dropped for a subscriber with a full buffer ({@link Overflow#DROP}), all subscribers together. */
    public long dropped() {
        return dropped.sum();
    }

    /**
     * Ends the reading, and completes the subscribers once they have what was read. Under
     * {@link Overflow#BLOCK} the record being handed to a full subscriber goes first: the reading
     * thread ends only once that subscriber requests more or cancels, so a subscriber that does
     * neither keeps it waiting ({@link #awaitTermination} says whether it has ended).
     */
    @Override
    public void close() {
        closed = true;
        reader.wakeup();
        if (started.compareAndSet(false, true)) {
            publisher.close(); // never read: nothing to wait for
        }
    }

    /** Waits up to {@code timeout} for the reading thread to end; true if it has (or never started). */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return !started.get() || reading.join(timeout);
    }

    private void read() {
        try {
            while (!closed && subscribers.get() > 0) {
                Record record = reader.read(FOREVER);
                if (record == null) {
                    continue; // a wakeup: to end, or someone else's
                }
                published.increment();
                if (overflow == Overflow.BLOCK) {
                    publisher.submit(record);
                } else {
                    publisher.offer(record, (subscriber, item) -> {
                        dropped.increment();
                        return false;
                    });
                }
            }
            publisher.close();
        } catch (ClosedException e) {
            publisher.close();
        } catch (RuntimeException | Error e) {
            publisher.closeExceptionally(e);
        }
    }

    /**
     * Passes everything on, and counts the subscriber out once when it cancels or is completed,
     * waking the reading thread so that it ends with the last one.
     */
    private final class Counted implements Flow.Subscriber<Record> {
        private final Flow.Subscriber<? super Record> downstream;
        private final AtomicBoolean gone = new AtomicBoolean();

        Counted(Flow.Subscriber<? super Record> downstream) {
            this.downstream = downstream;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            downstream.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                    subscription.request(n);
                }

                @Override
                public void cancel() {
                    subscription.cancel();
                    leave();
                }
            });
        }

        @Override
        public void onNext(Record item) {
            downstream.onNext(item);
        }

        @Override
        public void onError(Throwable throwable) {
            leave();
            downstream.onError(throwable);
        }

        @Override
        public void onComplete() {
            leave();
            downstream.onComplete();
        }

        private void leave() {
            if (gone.compareAndSet(false, true) && subscribers.decrementAndGet() == 0) {
                reader.wakeup();
            }
        }
    }
}
