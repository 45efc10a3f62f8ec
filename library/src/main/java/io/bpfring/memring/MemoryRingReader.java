package io.bpfring.memring;

import io.bpfring.EventReader;
import io.bpfring.RecordBuffer;
import io.bpfring.internal.PollLoop;
import io.bpfring.internal.Waiter;
import io.bpfring.ring.ControlledRecordHandler;
import io.bpfring.ring.RecordHandler;
import io.bpfring.ring.RingConsumer;

import java.time.Duration;
import java.util.function.IntSupplier;

/**
 * The consumer of a {@link MemoryRing}, its handler bound once, as the kernel readers have theirs:
 * made by {@link MemoryRing#reader} or {@link MemoryRing#controlledReader}. It sleeps on a futex
 * in the ring's consumer page, which producers in any process wake.
 *
 * <pre>{@code
 * try (MemoryRingReader reader = ring.reader(record -> { ...; return true; })) {
 *     while (running) {
 *         reader.poll(Duration.ofMillis(100));
 *     }
 * }
 * }</pre>
 *
 * <p>Threads, wake-ups and closing work as in {@link EventReader}. Closing the reader leaves the
 * ring open, for another reader; closing the ring closes its reader, and then every call but
 * {@code wakeup} and {@code close} throws {@link io.bpfring.ClosedException}.
 */
public final class MemoryRingReader implements EventReader {
    private final MemoryRing ring;
    private final RingConsumer consumer;
    /** Where the running read copies its record. */
    private RecordBuffer readTarget;
    private final RecordHandler handler;
    private final ControlledRecordHandler controlled;
    private final PollLoop loop;
    /** Copies a record into the running read's buffer. */
    private final RecordHandler copier = record -> {
        this.readTarget.fill(0, record.position(), record.data(), record.offset(), record.length());
        return true;
    };

    MemoryRingReader(MemoryRing ring, RecordHandler handler, ControlledRecordHandler controlled) {
        this.ring = ring;
        this.consumer = ring.consumer();
        this.loop = new PollLoop(new FutexWaiter(ring), this::consumeAll, this::copyOne, consumer::hasCommittedRecord, () -> false,
                () -> ring.detach(this));
        this.handler = handler == null ? null : record -> {
            boolean goOn = handler.onRecord(record);
            if (!goOn) {
                loop.stop();
            }
            return goOn;
        };
        this.controlled = controlled == null ? null : record -> {
            ControlledRecordHandler.Action action = controlled.onRecord(record);
            if (action != ControlledRecordHandler.Action.CONTINUE) {
                loop.stop();
            }
            return action;
        };
    }

    /** The ring this reader consumes. */
    public MemoryRing ring() {
        return ring;
    }

    @Override
    public int poll() {
        return mapped(loop::poll);
    }

    /** {@inheritDoc} A {@link MemoryRing#close()} ends it too. */
    @Override
    public int poll(Duration timeout) {
        return mapped(() -> loop.poll(timeout));
    }

    @Override
    public int busyPoll(Duration timeout) {
        return mapped(() -> loop.busyPoll(timeout));
    }

    @Override
    public int consume() {
        return consume(Long.MAX_VALUE);
    }

    @Override
    public int consume(long max) {
        return mapped(() -> loop.consume(max));
    }

    /** {@inheritDoc} The record's source is 0. */
    @Override
    public boolean readInto(RecordBuffer into, Duration timeout) {
        return mapped(() -> loop.readInto(into, timeout) ? 1 : 0) > 0;
    }

    @Override
    public void wakeup() {
        loop.wakeup();
    }

    @Override
    public void close() {
        loop.close();
    }

    /** The ring's close: a running poll returns soon, and the ring stays mapped until it has. */
    void closeWithRing() {
        loop.closeWithoutWaiting();
    }

    /** Runs a consuming call holding a use of the ring, which keeps it mapped until the call returns. */
    private int mapped(IntSupplier call) {
        ring.enter();
        try {
            return call.getAsInt();
        } finally {
            ring.leave();
        }
    }

    private int consumeAll(long max) {
        int delivered = consumeOnce(max);
        // Records behind one whose producer process died flow again once it is skipped.
        while (delivered < max && !loop.stopRequested() && ring.skipAbandoned()) {
            delivered += consumeOnce(max - delivered);
        }
        return delivered;
    }

    private int copyOne(RecordBuffer into) {
        readTarget = into;
        try {
            int copied = consumer.consume(copier, 1);
            while (copied == 0 && ring.skipAbandoned()) {
                copied = consumer.consume(copier, 1);
            }
            return copied;
        } finally {
            readTarget = null;
        }
    }

    private int consumeOnce(long max) {
        return handler != null ? consumer.consume(handler, max) : consumer.consumeControlled(controlled, max);
    }

    /** Sleeps on the ring's wake word, which commits, wakeups and closes bump. */
    private record FutexWaiter(MemoryRing ring) implements Waiter {
        @Override
        public int arm() {
            return ring.wakeCount();
        }

        @Override
        public void await(int armed, long timeoutNanos) {
            ring.awaitWake(armed, timeoutNanos);
        }

        @Override
        public void signal() {
            ring.wakeConsumer();
        }

        @Override
        public void clear() {
            // a futex word keeps no signal to clear
        }

        @Override
        public void close() {
            // the ring owns the word
        }
    }
}
