package io.bpfring.bench.mpsc;

import io.bpfring.memring.MemoryRing;
import io.bpfring.memring.MemoryRingReader;
import io.bpfring.ring.RingProducer;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/** bpfring's {@link MemoryRing}: reserve in place, write, commit without a wake-up (the consumer spins). */
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
        while ((position = ring.reserve(recordSize)) < 0) {
            Thread.onSpinWait();
        }
        ring.data().set(JAVA_LONG_UNALIGNED, ring.payloadOffset(position), 1L);
        ring.commit(position, RingProducer.NO_WAKEUP);
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
