package io.bpfring.cli;

import io.bpfring.bench.mpsc.Interleaved;
import io.bpfring.bench.mpsc.Structure;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bpfring mpsc}: its table and JSON, and its forks, on a short schedule; the figures are not judged. */
class MpscCommandTest {
    @Test
    void theCommandPrintsATableOrJson() {
        StringWriter table = new StringWriter();
        String[] schedule = {"-s", "bpfring,agrona", "--sizes", "16", "-P", "1", "--rounds", "2", "--warmup-rounds",
                "0", "--slice", "10ms"};
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
                "--rounds", "2", "--warmup-rounds", "1", "--slice", "10ms", "--peer", "bpfring", "--forks", "2", "--json"));
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

    private static CommandLine command(StringWriter out, StringWriter err) {
        return new CommandLine(new MpscCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    }
}
