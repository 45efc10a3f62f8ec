package io.bpfring.flow;

import io.bpfring.Record;
import io.bpfring.memring.MemoryRing;
import io.bpfring.memring.MemoryRingReader;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The example of the package's documentation, compiled and run. */
class FlowExampleTest {
    @Test
    void aSubscriberReceivesTheRecordsOfAReader() throws Exception {
        CompletableFuture<String> first = new CompletableFuture<>();
        long published;
        // @start region=subscribe
        try (MemoryRing ring = MemoryRing.inMemory(1 << 20);
             MemoryRingReader reader = ring.reader(record -> true);   // the publisher reads it, copying
             EventPublisher publisher = EventPublisher.of(reader, EventPublisher.Overflow.BLOCK, Flow.defaultBufferSize())) {
            publisher.subscribe(new Flow.Subscriber<Record>() {
                public void onSubscribe(Flow.Subscription subscription) { subscription.request(1); }
                public void onNext(Record record) { first.complete(new String(record.bytes(), UTF_8)); }
                public void onError(Throwable failure) { first.completeExceptionally(failure); }
                public void onComplete() { }                            // at publisher.close()
            });
            ring.output("hello".getBytes(UTF_8));
            String received = first.get(30, TimeUnit.SECONDS);           // "hello", on a virtual thread
            // @end
            assertEquals("hello", received);
            published = publisher.published();
        }
        assertEquals(1, published);
    }
}
