package io.bpfring.bench.mpsc;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code bpfring mpsc}: the in-JVM ring beside the Java anchors, taking turns in one JVM. */
@Command(name = "mpsc",
        mixinStandardHelpOptions = true,
        description = {
                "Measure Java producer rings side by side: many producers, one consumer.",
                "",
                "Producer threads write records of one size in place and one consumer",
                "thread reads them, in each of:",
                "  bpfring    bpfring's MemoryRing (reserve, write, commit NO_WAKEUP)",
                "  agrona     agrona's ManyToOneRingBuffer (tryClaim, write, commit)",
                "  jctools    JCTools' MpscArrayQueue of pre-allocated payloads",
                "  disruptor  the LMAX Disruptor, multi-producer, busy-spin processor",
                "Each holds 1 MiB of records. The structures take turns in short slices,",
                "round after round, so that a machine whose speed swings slows them alike;",
                "each one's ratio to the peer is taken within a round. The table gives the",
                "median and the quartiles over the rounds. Every record produced must be",
                "consumed exactly once, or the run fails.",
        },
        footer = {
                "",
                "Examples:",
                "  bpfring mpsc                           all four, 16 and 256 B, 1 and 2",
                "                                         producers (about 2 minutes)",
                "  bpfring mpsc -s bpfring,agrona --sizes 256 -P 1 --rounds 40",
                "  bpfring mpsc --json",
                "",
                "The same structures run under JMH too: bpfring jmh Mpsc.",
        })
public final class MpscCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-s", "--structures"}, split = ",", paramLabel = "NAME",
            defaultValue = "bpfring,agrona,jctools,disruptor", description = "Structures to run (default: all).")
    List<String> structures;

    @Option(names = "--peer", paramLabel = "NAME", defaultValue = "agrona",
            description = "The structure the others are divided by (default: ${DEFAULT-VALUE}).")
    String peer;

    @Option(names = "--sizes", split = ",", paramLabel = "BYTES", defaultValue = "16,256",
            description = "Record sizes, 8 bytes or more (default: 16,256).")
    List<Integer> sizes;

    @Option(names = {"-P", "--producers"}, split = ",", paramLabel = "N", defaultValue = "1,2",
            description = "Producer thread counts (default: 1,2).")
    List<Integer> producers;

    @Option(names = "--slice", paramLabel = "MS", defaultValue = "200",
            description = "How long each structure runs per round, in ms (default: ${DEFAULT-VALUE}).")
    long sliceMillis;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "20",
            description = "Measured rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "3",
            description = "Rounds run first and not counted (default: ${DEFAULT-VALUE}).")
    int warmupRounds;

    @Option(names = {"-j", "--json"}, description = "Print the results as JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Interleaved bench = new Interleaved(structures.stream().map(Structure::ofLabel).toList(),
                Structure.ofLabel(peer), Duration.ofMillis(sliceMillis), warmupRounds, rounds, err);
        List<Interleaved.Result> results = new ArrayList<>();
        for (int p : producers) {
            for (int size : sizes) {
                results.addAll(bench.run(size, p));
            }
        }
        if (json) {
            out.println(json(results));
        } else {
            table(out, results);
        }
        out.flush();
        return 0;
    }

    void table(PrintWriter out, List<Interleaved.Result> results) {
        out.printf("%-10s %7s %4s %10s %17s %9s %13s%n", "STRUCTURE", "RECORD", "PROD", "RECORDS/S", "(Q1-Q3)",
                "/ " + peer.toUpperCase(Locale.ROOT), "(Q1-Q3)");
        for (Interleaved.Result r : results) {
            out.printf(Locale.ROOT, "%-10s %5d B %4d %9.2fM %17s %9s %13s%n", r.structure().label(), r.recordSize(),
                    r.producers(), r.rate(0.5) / 1e6,
                    String.format(Locale.ROOT, "(%.2f-%.2f)", r.rate(0.25) / 1e6, r.rate(0.75) / 1e6),
                    Double.isNaN(r.ratio(0.5)) ? "-" : String.format(Locale.ROOT, "%.2f", r.ratio(0.5)),
                    Double.isNaN(r.ratio(0.5)) ? ""
                            : String.format(Locale.ROOT, "(%.2f-%.2f)", r.ratio(0.25), r.ratio(0.75)));
        }
    }

    String json(List<Interleaved.Result> results) {
        StringBuilder out = new StringBuilder("[");
        for (Interleaved.Result r : results) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(String.format(Locale.ROOT,
                    "{\"structure\":\"%s\",\"recordSize\":%d,\"producers\":%d,\"rounds\":%d,"
                            + "\"recordsPerSecond\":{\"median\":%.0f,\"q1\":%.0f,\"q3\":%.0f}",
                    r.structure().label(), r.recordSize(), r.producers(), r.rates().length,
                    r.rate(0.5), r.rate(0.25), r.rate(0.75)));
            if (!Double.isNaN(r.ratio(0.5))) {
                out.append(String.format(Locale.ROOT, ",\"ratioTo\":\"%s\",\"ratio\":{\"median\":%.4f,\"q1\":%.4f,\"q3\":%.4f}",
                        peer, r.ratio(0.5), r.ratio(0.25), r.ratio(0.75)));
            }
            out.append('}');
        }
        return out.append(']').toString();
    }
}
