package io.bpfring.bench.jcstress;

import io.bpfring.ring.RingConsumer;
import io.bpfring.ring.RingLayout;
import io.bpfring.ring.RingProducer;
import io.bpfring.ring.Wakeup;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJ_Result;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * The reclaim / claim handshake of a ring in one JVM: the consumer reads two records, hands their
 * space back (every byte {@link RingLayout#UNCLAIMED}) and publishes its position; a lock-free
 * producer, racing it, claims a record that lands in that space as soon as the position allows.
 * The producer either finds no room, or its record arrives whole: the consumer's reclaiming must
 * never overwrite a header or payload written into the space it handed back.
 *
 * <p>Layout (ring of 4096): a 16-byte record consumed while setting up, then R at 16 (span 16)
 * and M at 32 (span 4064), so the producer position is 4096. The new record (span 32) needs the
 * consumer past both and lands at offset 0, over what R occupied: its payload's second long is
 * inside R's old span.
 */
@JCStressTest
@Outcome(id = "-1, -1", expect = ACCEPTABLE, desc = "the producer came first: no room yet")
@Outcome(id = "1, 42", expect = ACCEPTABLE, desc = "the new record, whole")
@Outcome(expect = FORBIDDEN, desc = "the record lost or its payload overwritten by the reclaim")
@State
public class ReclaimHandshakeTest {
    private static final long SIZE = 4096;

    private final RingProducer producer;
    private final RingConsumer consumer;

    public ReclaimHandshakeTest() {
        Arena arena = Arena.ofAuto();
        MemorySegment consumerPage = arena.allocate(256, 8);
        MemorySegment producerPage = arena.allocate(256, 8);
        // Positions stay below 2 * SIZE: plain memory of twice the ring stands in for the double mapping.
        MemorySegment data = arena.allocate(2 * SIZE, 8);
        data.fill(RingLayout.UNCLAIMED);
        producer = RingProducer.lockFree(consumerPage, producerPage, data, SIZE, 1);
        consumer = RingConsumer.reclaiming(consumerPage, producerPage, data, SIZE);
        producer.submit(producer.reserve(8), Wakeup.NO_WAKEUP);
        consumer.consume(record -> true, 1);
        producer.submit(producer.reserve(8), Wakeup.NO_WAKEUP);
        producer.submit(producer.reserve(4056), Wakeup.NO_WAKEUP);
    }

    @Actor
    public void consume() {
        consumer.consume(record -> true, 2);
    }

    @Actor
    public void produce(JJ_Result result) {
        long position = producer.reserve(24);
        if (position < 0) {
            result.r1 = -1;
            return;
        }
        producer.data().set(JAVA_LONG, producer.payloadOffset(position) + 16, 42L);
        producer.submit(position, Wakeup.NO_WAKEUP);
        result.r1 = 1;
    }

    @Arbiter
    public void arbiter(JJ_Result result) {
        result.r2 = -1;
        consumer.consume(record -> {
            result.r2 = record.getLong(16);
            return true;
        }, 1);
    }
}
