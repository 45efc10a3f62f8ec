package io.bpfring.memring;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The example of the package's documentation, compiled and run. */
class MemoryRingExampleTest {
    @Test
    void aJavaProducerAndTheConsumerInOneJvm() {
        List<Long> seen = new ArrayList<>();
        // @start region=produce
        try (MemoryRing ring = MemoryRing.inMemory(1 << 20);      // one JVM; create(path, size) shares a file
             MemoryRingReader reader = ring.reader(record -> seen.add(record.getLong(0)))) {
            long at = ring.reserve(16);                            // -1 at once when full
            ring.data().set(JAVA_LONG_UNALIGNED, ring.payloadOffset(at), 42L);
            ring.commit(at, 0);                                    // wakes the consumer only if it waits here
            reader.poll(Duration.ofSeconds(1));                    // sleeps on a futex
        }
        // @end
        assertEquals(List.of(42L), seen);
    }
}
