package io.bpfring.bench.mpsc;

import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscArrayQueue;

/**
 * JCTools' {@code MpscArrayQueue} of pre-allocated payloads: a producer writes the next one of
 * its own and offers it, so nothing is allocated or copied; there are twice as many payloads
 * per producer as slots, so none is written while the consumer may still read it.
 */
final class JctoolsContender extends Contender {
    private final int slots = Integer.highestOneBit(BYTES / (recordSize + 8));
    private final MpscArrayQueue<byte[]> queue = new MpscArrayQueue<>(slots);
    private final MessagePassingQueue.Consumer<byte[]> reader = payload -> add(payload[0]);

    JctoolsContender(int recordSize) {
        super(recordSize);
    }

    /** One thread's payloads, used in turn. */
    private final class Payloads implements Runnable {
        private final byte[][] payloads = new byte[2 * slots][recordSize];
        private int next;

        @Override
        public void run() {
            byte[] payload = payloads[next];
            next = next + 1 == payloads.length ? 0 : next + 1;
            payload[0] = 1;
            while (!queue.offer(payload)) {
                Thread.onSpinWait();
            }
        }
    }

    @Override
    public Runnable producer() {
        return new Payloads();
    }

    @Override
    public void produce(Tally tally) {
        Payloads payloads = new Payloads();
        while (producing()) {
            payloads.run();
            tally.increment();
        }
    }

    @Override
    protected Runnable consumerLoop() {
        return () -> {
            while (consuming()) {
                queue.drain(reader);
            }
        };
    }
}
