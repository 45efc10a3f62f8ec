package io.bpfring.bench.mpsc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every structure takes its turns and delivers every record exactly once (each slice checks it),
 * on a short schedule; the figures are not judged.
 */
class InterleavedTest {
    private static final List<Structure> ALL = List.of(Structure.values());

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void everyStructureRunsItsSlicesAndIsComparedWithThePeer(int producers) throws InterruptedException {
        StringWriter progress = new StringWriter();
        Interleaved bench = new Interleaved(ALL, Structure.AGRONA, Duration.ofMillis(20), 1, 3,
                new PrintWriter(progress, true));
        List<Interleaved.Result> results = bench.run(24, producers);
        assertEquals(ALL.size(), results.size());
        // On a busy machine a 20 ms slice can stall whole: a round whose peer wrote nothing has no ratio.
        double[] peerRates = results.stream().filter(r -> r.structure() == Structure.AGRONA).findFirst()
                .orElseThrow().rates();
        long peerRounds = Arrays.stream(peerRates).filter(rate -> rate > 0).count();
        for (Interleaved.Result r : results) {
            assertEquals(3, r.rates().length);
            assertEquals(peerRounds, r.ratios().length, r.structure() + ": " + progress);
            assertTrue(Arrays.stream(r.rates()).anyMatch(rate -> rate > 0), r.structure() + ": " + progress);
            assertEquals(producers, r.producers());
            if (r.structure() == Structure.AGRONA) {
                assertEquals(1.0, r.ratio(0.5));
            }
        }
        assertTrue(progress.toString().contains("24 B " + producers + "p round 3/3"), progress.toString());
    }

    @Test
    void aContenderCountsEveryRecordItsConsumerReads() throws InterruptedException {
        for (Structure structure : ALL) {
            try (Contender contender = structure.create(256)) {
                contender.startConsumer();
                Runnable producer = contender.producer();
                int records = 3 * (Contender.BYTES / 256); // wraps each structure a few times
                for (int i = 0; i < records; i++) {
                    producer.run();
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (contender.consumed() < records && System.nanoTime() < deadline) {
                    Thread.sleep(1);
                }
                contender.stopConsumer();
                assertEquals(records, contender.consumed(), structure.label());
            }
        }
    }

    @Test
    void withoutThePeerThereAreNoRatios() throws InterruptedException {
        Interleaved bench = new Interleaved(List.of(Structure.BPFRING), Structure.AGRONA, Duration.ofMillis(10), 0, 1,
                new PrintWriter(new StringWriter()));
        Interleaved.Result only = bench.run(16, 1).getFirst();
        assertEquals(0, only.ratios().length);
        assertTrue(Double.isNaN(only.ratio(0.5)));
    }

    @Test
    void aRoundInWhichThePeerWroteNothingHasNoRatio() {
        assertArrayEquals(new double[]{2, 0.5}, Interleaved.ratios(new double[]{4, 9, 1}, new double[]{2, 0, 2}));
    }

    @Test
    void badNamesAndSizesAreRefusedClearly() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Structure.ofLabel("lmax"));
        assertTrue(unknown.getMessage().contains("bpfring"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Structure.AGRONA.create(4));
    }
}
