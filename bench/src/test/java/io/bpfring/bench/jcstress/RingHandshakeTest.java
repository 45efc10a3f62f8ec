package io.bpfring.bench.jcstress;

import io.bpfring.ring.RingConsumer;
import io.bpfring.ring.RingProducer;
import io.bpfring.ring.Wakeup;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.J_Result;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The publish / consume handshake: a producer reserves a record, writes its payload and submits;
 * the consumer, racing it, must see either no record or the record with its payload, never a
 * submitted header over a payload not yet written.
 */
@JCStressTest
@Outcome(id = "-1", expect = ACCEPTABLE, desc = "the consumer came first: no record yet")
@Outcome(id = "42", expect = ACCEPTABLE, desc = "the submitted record with its payload")
@Outcome(expect = FORBIDDEN, desc = "a submitted record with a stale payload")
@State
public class RingHandshakeTest {
    private static final long SIZE = 4096;

    private final MemorySegment consumerPage;
    private final RingProducer producer;
    private final RingConsumer consumer;

    public RingHandshakeTest() {
        Arena arena = Arena.ofAuto();
        consumerPage = arena.allocate(256, 8);
        MemorySegment producerPage = arena.allocate(256, 8);
        MemorySegment data = arena.allocate(2 * SIZE, 8);
        producer = RingProducer.locking(consumerPage, producerPage, data, SIZE, 1, id -> true);
        consumer = new RingConsumer(consumerPage, producerPage, data, SIZE);
    }

    @Actor
    public void produce() {
        long position = producer.reserve(8);
        producer.data().set(JAVA_LONG, producer.payloadOffset(position), 42L);
        producer.submit(position, Wakeup.NO_WAKEUP);
    }

    @Actor
    public void consume(J_Result result) {
        result.r1 = -1;
        consumer.consume(record -> {
            result.r1 = record.getLong(0);
            return true;
        }, 1);
    }
}
