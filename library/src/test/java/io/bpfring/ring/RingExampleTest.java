package io.bpfring.ring;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The example of the package's documentation, compiled and run. */
class RingExampleTest {
    @Test
    void aProducerAndAConsumerOverMemoryOfOnesOwn() {
        long size = 4096;
        try (Arena arena = Arena.ofConfined()) {
            // @start region=protocol
            // The ring's pages: the consumer position, the producer page, the data area mapped
            // twice back to back (here plain memory: these records never wrap).
            MemorySegment consumerPage = arena.allocate(4096, 4096);
            MemorySegment producerPage = arena.allocate(4096, 4096);
            MemorySegment data = arena.allocate(2 * size, 4096);
            RingProducer producer = RingProducer.locking(consumerPage, producerPage, data, size, 1, id -> true);
            RingConsumer consumer = new RingConsumer(consumerPage, producerPage, data, size);

            long at = producer.reserve(8);                   // -1 when the ring is full
            producer.data().set(JAVA_LONG, producer.payloadOffset(at), 42L);
            producer.submit(at, Wakeup.ADAPTIVE);            // true: the consumer waits here, wake it

            List<Long> seen = new ArrayList<>();
            consumer.consume(record -> seen.add(record.getLong(0)), Long.MAX_VALUE);
            // @end
            assertEquals(List.of(42L), seen);
        }
    }
}
