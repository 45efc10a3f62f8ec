package io.bpfring.bench.mpsc;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;

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
    /**
     * Where the consumer got to: a processor that was halted stays halted, so each start makes one
     * that goes on from here (and the ring stops waiting for the old one).
     */
    private long consumedUpTo = -1;
    private BatchEventProcessor<Slot> processor;

    DisruptorContender(int recordSize) {
        super(recordSize);
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
        processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), handler);
        Sequence sequence = processor.getSequence();
        sequence.set(consumedUpTo);
        ring.addGatingSequences(sequence);
        BatchEventProcessor<Slot> running = processor;
        return () -> {
            try {
                running.run();
            } finally {
                consumedUpTo = sequence.get();
                ring.removeGatingSequence(sequence);
            }
        };
    }

    @Override
    protected void halt() {
        processor.halt();
    }
}
