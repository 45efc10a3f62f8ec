package io.bpfring.bench.mpsc;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;

/**
 * The LMAX Disruptor: a multi-producer ring of slots with pre-allocated payloads, claimed,
 * written and published; its own batch event processor consumes, spinning while it waits.
 */
final class DisruptorContender extends Contender {
    /** A slot with its payload allocated once. */
    private static final class Slot {
        final byte[] payload;

        Slot(int size) {
            this.payload = new byte[size];
        }
    }

    private final RingBuffer<Slot> ring = RingBuffer.createMultiProducer(() -> new Slot(recordSize),
            Integer.highestOneBit(BYTES / (recordSize + 8)), new BusySpinWaitStrategy());
    private final EventHandler<Slot> handler = (slot, sequence, endOfBatch) -> add(slot.payload[0]);
    private final BatchEventProcessor<Slot> processor =
            new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), handler);

    DisruptorContender(int recordSize) {
        super(recordSize);
        ring.addGatingSequences(processor.getSequence());
    }

    private void produceOne() {
        long sequence = ring.next();
        ring.get(sequence).payload[0] = 1;
        ring.publish(sequence);
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
        return processor;
    }

    @Override
    protected void halt() {
        processor.halt();
    }
}
