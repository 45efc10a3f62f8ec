package io.bpfring.cli;

import io.bpfring.bench.BenchChart;
import io.bpfring.bench.BenchConfig;
import io.bpfring.bench.BenchFork;
import io.bpfring.bench.BenchProgram;
import io.bpfring.bench.BenchReport;
import io.bpfring.bench.BenchResult;
import io.bpfring.bench.KernelBench;
import io.bpfring.bench.Mode;
import io.bpfring.bench.Notify;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bpfring bench}: the kernel ring buffer benchmark, every mode side by side in one run. */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        description = {
                "Measure ring buffer and perf buffer throughput, Java beside libbpf.",
                "",
                "After the kernel's selftest bench (bench_ringbufs.c): bpfring's Java",
                "consumers and libbpf's C consumer read the same kernel producer.",
                "A BPF program on syscalls/sys_enter_getpgid writes a batch of 8-byte",
                "samples per call; producer threads call getpgid in a loop; one consumer",
                "reads:",
                "  rb-java       bpfring's RingBufReader.poll (epoll)",
                "  rb-java-busy  bpfring's RingBufReader.busyPoll (spins, no syscalls)",
                "  rb-libbpf     libbpf's ring_buffer__poll, in a C consumer built with gcc",
                "  pb-java       bpfring's PerfBufReader.poll",
                "  pb-libbpf     libbpf's perf_buffer__poll, in the same C consumer",
                "Notification default: the ring buffer's adaptive wake-up, a perf wake-up",
                "per sample; sampled: ring NO_WAKEUP until the queued bytes pass a",
                "threshold, then FORCE_WAKEUP; perf wakeup_events. Each configuration runs",
                "in a JVM of its own (as JMH forks), warms up, then measures rounds: the",
                "median and spread of events/s and drops/s.",
        },
        footer = {
                "",
                "Examples:",
                "  bpfring bench                            every mode, both notifications,",
                "                                           1 and 2 producers (3 minutes)",
                "  bpfring bench -m rb-java,rb-libbpf -P 1  two modes, one producer",
                "  bpfring bench --rounds 10 --chart bench.png --json",
        })
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--modes"}, split = ",", paramLabel = "MODE",
            defaultValue = "rb-java,rb-java-busy,rb-libbpf,pb-java,pb-libbpf",
            description = "Modes to run (default: all).")
    List<String> modes;

    @Option(names = {"-n", "--notify"}, split = ",", paramLabel = "HOW", defaultValue = "default,sampled",
            description = "Notifications: default, sampled (default: both).")
    List<String> notifications;

    @Option(names = {"-P", "--producers"}, split = ",", paramLabel = "N", defaultValue = "1,2",
            description = "Producer thread counts (default: 1,2).", converter = Sizes.Threads.class)
    List<Integer> producers;

    @Option(names = {"-b", "--batch"}, paramLabel = "N", defaultValue = "500",
            description = "Samples per getpgid call, up to 4000 (default: ${DEFAULT-VALUE}).", converter = Batch.class)
    int batch;

    @Option(names = {"-r", "--ring-size"}, paramLabel = "SIZE", defaultValue = "512K",
            description = "Ring buffer size: a power of 2 and a multiple of the page size, up to 1G "
                    + "(default: ${DEFAULT-VALUE}).", converter = Sizes.RingSize.class)
    int ringSize;

    @Option(names = {"-p", "--pages-per-cpu"}, paramLabel = "N", defaultValue = "64",
            description = "Perf buffer pages per CPU, a power of 2 (default: ${DEFAULT-VALUE}).",
            converter = Sizes.PerfPages.class)
    int pagesPerCpu;

    @Option(names = "--sample-rate", paramLabel = "N", defaultValue = "500",
            description = "Sampled notification: a wake-up per N samples (default: ${DEFAULT-VALUE}).",
            converter = Sizes.Count.class)
    int sampleRate;

    @Option(names = "--warmup", paramLabel = "TIME", defaultValue = "1s",
            description = "Warm-up before measuring (default: ${DEFAULT-VALUE}).", converter = Sizes.Time.class)
    Duration warmup;

    @Option(names = "--round", paramLabel = "TIME", defaultValue = "1s",
            description = "Length of a round (default: ${DEFAULT-VALUE}).", converter = Sizes.PositiveTime.class)
    Duration round;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "5",
            description = "Measured rounds per run (default: ${DEFAULT-VALUE}).", converter = Sizes.Rounds.class)
    int rounds;

    @Option(names = {"-j", "--json"}, description = "Print the results as JSON instead of a table.")
    boolean json;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "Also draw a PNG bar chart.")
    Path chart;

    @Option(names = "--no-fork", description = "Run every configuration in this JVM instead of one JVM each.")
    boolean noFork;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Where the libbpf consumer is built "
            + "(default: bpfring-bench under the temporary directory).")
    Path workDir;

    /**
     * Samples a program run writes: the verifier follows the program's loop sample by sample and
     * gives up past 8192 branches, two a sample with sampled notification.
     */
    static final class Batch extends Sizes.Count {
        Batch() {
            super(1, 4000);
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // Every configuration first, so that a bad one stops the run before the others have run.
        List<BenchConfig> configs = new ArrayList<>();
        for (String notification : notifications) {
            for (int threads : producers) {
                for (String mode : modes) {
                    configs.add(new BenchConfig(Mode.ofLabel(mode), Notify.ofLabel(notification), threads,
                            batch, ringSize, pagesPerCpu, sampleRate, warmup, round, rounds));
                }
            }
        }
        // The ring's reader is woken once that many samples are queued: never, if the ring cannot hold them.
        long mostSamples = ringSize / BenchProgram.RING_SPAN - 1;
        if (sampleRate > mostSamples
                && configs.stream().anyMatch(c -> c.mode().ring() && c.notification() == Notify.SAMPLED)) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--sample-rate': '" + sampleRate
                    + "' samples never fit a ring of " + Sizes.format(ringSize) + ": at most " + mostSamples);
        }
        Path dir = workDir != null ? workDir : Path.of(System.getProperty("java.io.tmpdir"), "bpfring-bench");
        KernelBench bench = new KernelBench(dir, err);
        List<BenchResult> results = new ArrayList<>();
        for (BenchConfig config : configs) {
            results.add(noFork ? bench.run(config) : BenchFork.run(config, dir));
        }
        if (json) {
            out.println(BenchReport.json(results));
        } else {
            BenchReport.table(out, results);
        }
        if (chart != null) {
            BenchChart.write(results, chart);
            err.println("chart written to " + chart);
        }
        out.flush();
        err.flush();
        return 0;
    }

}
