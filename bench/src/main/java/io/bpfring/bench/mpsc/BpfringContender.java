package io.bpfring.bench.mpsc;

import io.bpfring.memring.MemoryRing;
import io.bpfring.memring.MemoryRingReader;
import io.bpfring.ring.Wakeup;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * bpfring's {@link MemoryRing} as agrona's ring is used beside it: reserve a position in place
 * (tryClaim), write, submit without a wake-up (commit); the consumer spins.
 */
final class BpfringContender extends Contender {
    private final MemoryRing ring = MemoryRing.inMemory(BYTES);
    private final MemoryRingReader reader = ring.reader(record -> {
        add(record.getLong(0));
        return true;
    });

    BpfringContender(int recordSize) {
        super(recordSize);
    }

    private void produceOne() {
        long position;
        while ((position = ring.reservePosition(recordSize)) == -1) {
            Thread.onSpinWait();
        }
        ring.data().set(JAVA_LONG_UNALIGNED, ring.payloadOffset(position), 1L);
        ring.submit(position, Wakeup.NO_WAKEUP);
    }

    @Override
    public Runnable producer() {
        return this::produceOne;
    }

    @Override
    public void produce(Tally tally) {
        while (producing()) {
            produceOne();
            tally.increment();
        }
    }

    @Override
    protected Runnable consumerLoop() {
        return () -> {
            while (consuming()) {
                reader.consume();
            }
        };
    }

    @Override
    public void close() {
        ring.close();
    }
}
