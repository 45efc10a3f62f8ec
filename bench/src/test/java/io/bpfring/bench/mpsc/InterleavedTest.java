package io.bpfring.bench.mpsc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

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
        for (Interleaved.Result r : results) {
            assertEquals(3, r.rates().length);
            assertEquals(3, r.ratios().length);
            for (double rate : r.rates()) {
                assertTrue(rate > 0, r.structure() + ": " + progress);
            }
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
    void theCommandPrintsATableOrJson() {
        StringWriter table = new StringWriter();
        String[] schedule = {"-s", "bpfring,agrona", "--sizes", "16", "-P", "1", "--rounds", "2", "--warmup", "0",
                "--slice", "10"};
        assertEquals(0, command(table, new StringWriter()).execute(schedule));
        assertTrue(table.toString().startsWith("STRUCTURE"), table.toString());
        assertTrue(table.toString().contains("/ AGRONA"), table.toString());
        assertTrue(table.toString().lines().anyMatch(l -> l.startsWith("bpfring") && l.contains("16 B")), table.toString());

        StringWriter json = new StringWriter();
        String[] asJson = java.util.stream.Stream.concat(java.util.Arrays.stream(schedule), java.util.stream.Stream.of("--json"))
                .toArray(String[]::new);
        assertEquals(0, command(json, new StringWriter()).execute(asJson));
        String text = json.toString().strip();
        assertTrue(text.startsWith("[{\"structure\":\"bpfring\",\"recordSize\":16,\"producers\":1,\"rounds\":2,"), text);
        assertTrue(text.contains("\"ratioTo\":\"agrona\""), text);
    }

    @Test
    void forksRunTheRoundsInJvmsOfTheirOwnAndPoolThem() {
        StringWriter json = new StringWriter();
        assertEquals(0, command(json, new StringWriter()).execute("-s", "bpfring,agrona", "--sizes", "16", "-P", "1",
                "--rounds", "2", "--warmup", "1", "--slice", "10", "--peer", "bpfring", "--forks", "2", "--json"));
        String text = json.toString();
        assertTrue(text.contains("{\"structure\":\"bpfring\",\"recordSize\":16,\"producers\":1,\"rounds\":4,\"forks\":2,"), text);
        assertTrue(text.contains("{\"structure\":\"agrona\",\"recordSize\":16,\"producers\":1,\"rounds\":4,\"forks\":2,"), text);
        assertEquals(2, text.split("\"structure\"").length - 1, "the forks ran what they were given, no more: " + text);
        // The peer divided by itself: what the forks computed, not only the label the parent prints.
        assertTrue(Pattern.compile("\\{\"structure\":\"bpfring\"[^{]*\"recordsPerSecond\":\\{[^}]*},"
                + "\"ratioTo\":\"bpfring\",\"ratio\":\\{\"median\":1\\.0000,\"q1\":1\\.0000,\"q3\":1\\.0000}").matcher(text).find(),
                "the forks divided by the peer they were given: " + text);
    }

    @Test
    void aRoundInWhichThePeerWroteNothingHasNoRatio() {
        assertArrayEquals(new double[]{2, 0.5}, Interleaved.ratios(new double[]{4, 9, 1}, new double[]{2, 0, 2}));
    }

    @Test
    void aForkHandsOverItsRoundsAsMeasured() {
        Interleaved.Result sent = new Interleaved.Result(Structure.JCTOOLS, 256, 2, new double[]{3.5e7, 1.25e6},
                new double[]{0.875, 1.5});
        Interleaved.Result received = MpscCommand.fromRoundsLine(MpscCommand.roundsLine(sent));
        assertEquals(List.of(Structure.JCTOOLS, 256, 2), List.of(received.structure(), received.recordSize(), received.producers()));
        assertArrayEquals(sent.rates(), received.rates());
        assertArrayEquals(sent.ratios(), received.ratios());

        Interleaved.Result alone = new Interleaved.Result(Structure.BPFRING, 16, 1, new double[]{2e7}, new double[0]);
        assertEquals(0, MpscCommand.fromRoundsLine(MpscCommand.roundsLine(alone)).ratios().length);
    }

    @Test
    void badNamesAndSizesAreRefusedClearly() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Structure.ofLabel("lmax"));
        assertTrue(unknown.getMessage().contains("bpfring"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Structure.AGRONA.create(4));
    }

    private static CommandLine command(StringWriter out, StringWriter err) {
        return new CommandLine(new MpscCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    }
}
