package io.bpfring.perf;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReordererTest {
    private final List<Long> out = new ArrayList<>();
    private final Reorderer<Long> reorderer = new Reorderer<>(Duration.ofNanos(10), t -> t, out::add);

    @Test
    void holdsEventsForTheWindowAndReleasesThemInOrder() {
        for (long t : new long[]{5, 3, 9, 1, 12}) {
            reorderer.accept(t);
        }
        assertEquals(List.of(1L), out); // 12 - 10: only what is at or before 2 is safe
        reorderer.accept(25L);
        assertEquals(List.of(1L, 3L, 5L, 9L, 12L), out);
        assertEquals(1, reorderer.held());
        reorderer.flush();
        assertEquals(List.of(1L, 3L, 5L, 9L, 12L, 25L), out);
        assertEquals(2, reorderer.fixed()); // 3 and 1 arrived behind a newer event
        assertEquals(0, reorderer.late());
    }

    @Test
    void anEventOlderThanWhatWasReleasedPassesAtOnceAndCountsLate() {
        reorderer.accept(100L);
        reorderer.accept(120L);
        assertEquals(List.of(100L), out);
        reorderer.accept(50L);
        assertEquals(List.of(100L, 50L), out);
        assertEquals(1, reorderer.late());
        assertEquals(0, reorderer.fixed());
    }
}
