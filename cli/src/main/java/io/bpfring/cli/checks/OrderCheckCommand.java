package io.bpfring.cli.checks;

import io.bpfring.cli.Json;
import io.bpfring.cli.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bpfring order-check}: the ring buffer keeps event order, the perf buffer does not. */
@Command(name = "order-check",
        mixinStandardHelpOptions = true,
        description = {
                "Show that the ring buffer delivers events in order and the perf buffer does not.",
                "",
                "Starts short-lived processes from two threads, so they run on every CPU, and",
                "traces their fork, exec and exit (sched_process_fork/exec/exit, with a",
                "bpf_ktime_get_ns timestamp) through a ring buffer and a perf buffer at once.",
                "For each it counts events that arrived behind a newer timestamp, and processes",
                "seen exiting before their exec. The perf buffer's per-CPU streams are also",
                "merged by timestamp with a bounded delay, as perf buffer users must.",
        },
        footer = {
                "",
                "Examples:",
                "  bpfring order-check                  1000 processes",
                "  bpfring order-check -n 5000 -w 100ms  more load, a longer merge window",
                "  bpfring order-check -e 100ms         a slower consumer: the merge window",
                "                                       must outlast it to restore order",
                "  bpfring order-check --json",
        })
public final class OrderCheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-n", "--processes"}, paramLabel = "N", defaultValue = "1000",
            description = "Processes to start (default: ${DEFAULT-VALUE}).", converter = Sizes.Count.class)
    int processes;

    @Option(names = {"-w", "--window"}, paramLabel = "TIME", defaultValue = "50ms",
            description = "How long the perf merge holds events back (default: ${DEFAULT-VALUE}).",
            converter = Sizes.Time.class)
    Duration window;

    @Option(names = {"-e", "--read-every"}, paramLabel = "TIME", defaultValue = "20ms",
            description = "How often the consumer reads both buffers (default: ${DEFAULT-VALUE}).",
            converter = Sizes.Time.class)
    Duration readEvery;

    @Option(names = {"-r", "--ring-size"}, paramLabel = "SIZE", defaultValue = "1M",
            description = "Ring buffer size: a power of 2 and a multiple of the page size, up to 1G "
                    + "(default: ${DEFAULT-VALUE}).", converter = Sizes.RingSize.class)
    int ringSize;

    @Option(names = {"-p", "--pages-per-cpu"}, paramLabel = "N", defaultValue = "64",
            description = "Perf buffer data pages per CPU, a power of 2 (default: ${DEFAULT-VALUE}).",
            converter = Sizes.PerfPages.class)
    int pagesPerCpu;

    @Option(names = {"-j", "--json"}, description = "Print the report as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!json) {
            err.printf("Starting %d processes; tracing their fork, exec and exit...%n", processes);
            err.flush();
        }
        OrderCheck.Report report = OrderCheck.run(processes, window, readEvery, ringSize, pagesPerCpu);
        if (json) {
            out.println(json(report));
        } else {
            print(out, report);
        }
        out.flush();
        return 0;
    }

    static void print(PrintWriter out, OrderCheck.Report r) {
        out.printf("%-16s %8s %16s %17s%n", "TRANSPORT", "EVENTS", "OUT-OF-TS-ORDER", "EXIT-BEFORE-EXEC");
        for (OrderCheck.Delivery d : List.of(r.ringbuf(), r.perfbuf(), r.reordered())) {
            out.printf("%-16s %8d %16d %17d%n", d.transport(), d.events(), d.outOfOrder(), d.exitBeforeExec());
        }
        out.printf("%nperf merge (window %d ms): %d events put back in order, %d arrived too late%n",
                r.window().toMillis(), r.reorderFixed(), r.reorderLate());
        out.printf("dropped: ringbuf %d, perfbuf %d (kernel-reported lost %d)%n",
                r.ringDrops(), r.perfDrops(), r.perfLost());
    }

    static String json(OrderCheck.Report r) {
        StringBuilder deliveries = new StringBuilder();
        for (OrderCheck.Delivery d : List.of(r.ringbuf(), r.perfbuf(), r.reordered())) {
            if (!deliveries.isEmpty()) {
                deliveries.append(',');
            }
            deliveries.append(String.format("{\"transport\":%s,\"events\":%d,\"outOfOrder\":%d,\"exitBeforeExec\":%d}",
                    Json.string(d.transport()), d.events(), d.outOfOrder(), d.exitBeforeExec()));
        }
        return String.format("{\"processes\":%d,\"deliveries\":[%s],\"windowMs\":%d,\"reorderFixed\":%d,"
                        + "\"reorderLate\":%d,\"ringDrops\":%d,\"perfDrops\":%d,\"perfLost\":%d}",
                r.processes(), deliveries, r.window().toMillis(), r.reorderFixed(), r.reorderLate(),
                r.ringDrops(), r.perfDrops(), r.perfLost());
    }
}
