package io.bpfring.cli;

import io.bpfring.bench.mpsc.Contender;
import io.bpfring.bench.mpsc.Interleaved;
import io.bpfring.bench.mpsc.Structure;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.DoubleStream;

/** {@code bpfring mpsc}: the in-JVM ring beside the Java anchors, taking turns in one JVM. */
@Command(name = "mpsc",
        mixinStandardHelpOptions = true,
        description = {
                "Measure Java producer rings side by side: many producers, one consumer.",
                "",
                "Producer threads write records of one size in place and one consumer",
                "thread reads them, in each of:",
                "  bpfring    bpfring's MemoryRing (reserve, write, submit NO_WAKEUP)",
                "  agrona     agrona's ManyToOneRingBuffer (tryClaim, write, commit)",
                "  jctools    JCTools' MpscArrayQueue of pre-allocated payloads",
                "  disruptor  the LMAX Disruptor, multi-producer, busy-spin processor",
                "Each holds 1 MiB of records. The structures take turns in short slices,",
                "round after round, so that a machine whose speed swings slows them alike;",
                "each one's ratio to the peer is taken within a round. The table gives the",
                "median and the quartiles over the rounds. Every record produced must be",
                "consumed exactly once, or the run fails.",
                "",
                "Each JVM compiles the structures its own way, and one JVM's figures can",
                "lean a structure's way by 10%% (20-30%% with more producers than cores):",
                "--forks runs the rounds in several JVMs, one after the other, and pools them.",
        },
        footer = {
                "",
                "Examples:",
                "  bpfring mpsc                           all four, 16 and 256 B, 1 and 2",
                "                                         producers (about 1.5 minutes)",
                "  bpfring mpsc -s bpfring,agrona --sizes 256 -P 1 --rounds 40",
                "  bpfring mpsc --forks 5 --rounds 10     five JVMs, 50 rounds pooled",
                "  bpfring mpsc --json",
                "",
                "The same structures run under JMH too: bpfring jmh Mpsc.",
        })
public final class MpscCommand implements Callable<Integer> {
    /** Options a fork does not get: the forks and the output are the starting command's business. */
    private static final Set<String> NOT_FOR_FORKS = Set.of("--forks", "--json", "--rounds-out");

    @Spec
    CommandSpec spec;

    @Option(names = {"-s", "--structures"}, split = ",", paramLabel = "NAME",
            defaultValue = "bpfring,agrona,jctools,disruptor", description = "Structures to run (default: all).")
    List<String> structures;

    @Option(names = "--peer", paramLabel = "NAME", defaultValue = "agrona",
            description = "The structure the others are divided by (default: ${DEFAULT-VALUE}).")
    String peer;

    @Option(names = "--sizes", split = ",", paramLabel = "SIZE", defaultValue = "16,256",
            description = "Record sizes, 8 bytes to 64K (default: 16,256).", converter = RecordSize.class)
    List<Integer> sizes;

    @Option(names = {"-P", "--producers"}, split = ",", paramLabel = "N", defaultValue = "1,2",
            description = "Producer thread counts (default: 1,2).", converter = Sizes.Threads.class)
    List<Integer> producers;

    @Option(names = "--slice", paramLabel = "TIME", defaultValue = "200ms",
            description = "How long each structure runs per round (default: ${DEFAULT-VALUE}).",
            converter = Sizes.PositiveTime.class)
    Duration slice;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "20",
            description = "Measured rounds (default: ${DEFAULT-VALUE}).", converter = Sizes.Rounds.class)
    int rounds;

    @Option(names = "--warmup-rounds", paramLabel = "N", defaultValue = "3",
            description = "Rounds run first and not counted (default: ${DEFAULT-VALUE}); bpfring's memory "
                    + "accesses are slow until the JIT compiles them.", converter = WarmupRounds.class)
    int warmupRounds;

    @Option(names = "--forks", paramLabel = "N", defaultValue = "1",
            description = "JVMs to run the rounds in, one after the other; their rounds are pooled (default: ${DEFAULT-VALUE}).",
            converter = Sizes.Count.class)
    int forks;

    @Option(names = {"-j", "--json"}, description = "Print the results as JSON instead of a table.")
    boolean json;

    /** How a fork hands its rounds to the command that started it: one line per result. */
    @Option(names = "--rounds-out", hidden = true)
    boolean roundsOut;

    /** A record holds the 8 bytes the consumer reads, and 16 of them the 1 MiB each structure holds. */
    static final class RecordSize extends Sizes.Bytes {
        RecordSize() {
            super(Long.BYTES, Contender.BYTES / 16);
        }
    }

    /** Warm-up rounds: none, or as many as an int counts. */
    static final class WarmupRounds extends Sizes.Count {
        WarmupRounds() {
            super(0, Integer.MAX_VALUE);
        }
    }

    /** Runs the command in a JVM of its own: what {@code --forks} starts. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new MpscCommand()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException, IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Interleaved bench = new Interleaved(structures.stream().map(Structure::ofLabel).toList(),
                Structure.ofLabel(peer), slice, warmupRounds, rounds, err);
        List<Interleaved.Result> results = forks == 1 ? measure(bench) : forked(err);
        if (roundsOut) {
            results.forEach(r -> out.println(roundsLine(r)));
        } else if (json) {
            out.println(json(results));
        } else {
            table(out, results);
        }
        out.flush();
        return 0;
    }

    private List<Interleaved.Result> measure(Interleaved bench) throws InterruptedException {
        List<Interleaved.Result> results = new ArrayList<>();
        for (int p : producers) {
            for (int size : sizes) {
                results.addAll(bench.run(size, p));
            }
        }
        return results;
    }

    /** Runs the rounds in {@link #forks} new JVMs, started as this one was, and pools what they measured. */
    private List<Interleaved.Result> forked(PrintWriter progress) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this JVM, to start forks")));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        // agrona reads jdk.internal.misc.Unsafe: the CLI jar's manifest exports it, and a JVM
        // started with -cp does not read a manifest.
        command.add("--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED");
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), MpscCommand.class.getName()));
        command.addAll(forkArguments());
        Map<String, Interleaved.Result> pooled = new LinkedHashMap<>();
        for (int fork = 1; fork <= forks; fork++) {
            progress.printf("fork %d/%d%n", fork, forks);
            progress.flush();
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader lines = process.inputReader()) {
                lines.lines().map(MpscCommand::fromRoundsLine)
                        .forEach(r -> pooled.merge(r.structure().label() + " " + r.recordSize() + " " + r.producers(),
                                r, MpscCommand::concat));
            }
            int status = process.waitFor();
            if (status != 0) {
                throw new IllegalStateException("fork " + fork + " of " + forks + " failed (exit status " + status
                        + "): its error is above");
            }
        }
        return List.copyOf(pooled.values());
    }

    /**
     * What a fork is told: every option as this command has it but {@link #NOT_FOR_FORKS}, taken
     * from the options themselves, so that a new one reaches the forks too.
     */
    private List<String> forkArguments() {
        List<String> arguments = new ArrayList<>();
        for (OptionSpec option : spec.options()) {
            // An option inherited from the command above (bpfring --debug) is not the fork's own.
            if (option.usageHelp() || option.versionHelp() || option.inherited()
                    || NOT_FOR_FORKS.contains(option.longestName())) {
                continue;
            }
            // picocli takes --name=value for every kind of option, a flag's true or false too.
            Object value = option.getValue();
            arguments.add(option.longestName() + "=" + (value instanceof List<?> list
                    ? list.stream().map(String::valueOf).collect(Collectors.joining(","))
                    : value instanceof Duration duration ? Sizes.format(duration) : value));
        }
        arguments.add("--rounds-out");
        return arguments;
    }

    /** {@code label size producers rate,rate,... ratio,ratio,...} (the ratios "-" when there are none). */
    static String roundsLine(Interleaved.Result r) {
        return r.structure().label() + " " + r.recordSize() + " " + r.producers() + " " + numbers(r.rates()) + " "
                + (r.ratios().length == 0 ? "-" : numbers(r.ratios()));
    }

    static Interleaved.Result fromRoundsLine(String line) {
        String[] f = line.split(" ");
        return new Interleaved.Result(Structure.ofLabel(f[0]), Integer.parseInt(f[1]), Integer.parseInt(f[2]),
                numbers(f[3]), f[4].equals("-") ? new double[0] : numbers(f[4]));
    }

    private static String numbers(double[] values) {
        return Arrays.stream(values).mapToObj(Double::toString).collect(Collectors.joining(","));
    }

    private static double[] numbers(String values) {
        return Arrays.stream(values.split(",")).mapToDouble(Double::parseDouble).toArray();
    }

    private static Interleaved.Result concat(Interleaved.Result a, Interleaved.Result b) {
        return new Interleaved.Result(a.structure(), a.recordSize(), a.producers(),
                DoubleStream.concat(Arrays.stream(a.rates()), Arrays.stream(b.rates())).toArray(),
                DoubleStream.concat(Arrays.stream(a.ratios()), Arrays.stream(b.ratios())).toArray());
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
                    "{\"structure\":\"%s\",\"recordSize\":%d,\"producers\":%d,\"rounds\":%d,\"forks\":%d,"
                            + "\"recordsPerSecond\":{\"median\":%.0f,\"q1\":%.0f,\"q3\":%.0f}",
                    r.structure().label(), r.recordSize(), r.producers(), r.rates().length, forks,
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
