package io.bpfring.bench.mpsc;

import io.bpfring.memring.MemoryRing;
import io.bpfring.memring.MemoryRingReader;
import io.bpfring.ring.Reservation;
import io.bpfring.ring.Wakeup;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * bpfring's {@link MemoryRing} as users write to it: reserve in place, write, submit without a
 * wake-up (the consumer spins).
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
        Reservation record;
        while ((record = ring.reserve(recordSize)) == null) {
            Thread.onSpinWait();
        }
        record.payload().set(JAVA_LONG_UNALIGNED, 0, 1L);
        record.submit(Wakeup.NO_WAKEUP);
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
