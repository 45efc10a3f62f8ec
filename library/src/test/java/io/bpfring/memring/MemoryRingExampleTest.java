package io.bpfring.memring;

import io.bpfring.ring.Reservation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The example of the package's documentation, compiled and run. */
class MemoryRingExampleTest {
    @Test
    void aJavaProducerAndTheConsumerInOneJvm() {
        List<Long> seen = new ArrayList<>();
        // @start region=produce
        try (MemoryRing ring = MemoryRing.inMemory(1 << 20);      // one JVM; create(path, size) shares a file
             MemoryRingReader reader = ring.reader(record -> seen.add(record.getLong(0)))) {
            try (Reservation event = ring.reserve(16)) {           // null at once when full
                event.payload().set(JAVA_LONG, 0, 42L);            // 16 bytes in place: no write past them
                event.submit();                                    // wakes the consumer only if it waits here
            }                                                      // not submitted (it threw): discarded
            reader.poll(Duration.ofSeconds(1));                    // sleeps on a futex
        }
        // @end
        assertEquals(List.of(42L), seen);
    }
}
