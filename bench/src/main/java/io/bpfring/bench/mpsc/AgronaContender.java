package io.bpfring.bench.mpsc;

import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.nio.ByteBuffer;

/** agrona's {@code ManyToOneRingBuffer}: claim in place, write, commit. */
final class AgronaContender extends Contender {
    private final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(BYTES + RingBufferDescriptor.TRAILER_LENGTH)));
    private final MessageHandler handler = (type, buffer, index, length) -> add(buffer.getLong(index));

    AgronaContender(int recordSize) {
        super(recordSize);
    }

    private void produceOne() {
        int index;
        while ((index = ring.tryClaim(1, recordSize)) < 0) {
            Thread.onSpinWait();
        }
        ring.buffer().putLong(index, 1L);
        ring.commit(index);
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
                ring.read(handler);
            }
        };
    }
}
