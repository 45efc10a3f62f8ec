package io.bpfring.cli.checks;

import io.bpfring.cli.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bpfring burst-check}: the shared ring drops less than per-CPU buffers of the same memory. */
@Command(name = "burst-check",
        mixinStandardHelpOptions = true,
        description = {
                "Show that one shared ring buffer drops less than a perf buffer of the same memory.",
                "",
                "After an idle pause, a BPF program writes a burst of events, each to a ring buffer",
                "of SIZE bytes and to a perf buffer whose CPUs share the same SIZE. A burst",
                "comes from one CPU (or --spread over all): the ring lends it all its memory,",
                "the perf buffer only that CPU's share. Both are read by their own thread.",
        },
        footer = {
                "",
                "Examples:",
                "  bpfring burst-check                      200000 events of 64 bytes, 256K each",
                "  bpfring burst-check -b 1M -n 1000000",
                "  bpfring burst-check --spread --json",
        })
public final class BurstCheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-n", "--events"}, paramLabel = "N", defaultValue = "200000",
            description = "Events in the burst (default: ${DEFAULT-VALUE}).", converter = Sizes.Count.class)
    int events;

    @Option(names = {"-b", "--bytes"}, paramLabel = "SIZE", defaultValue = "256K",
            description = "Memory of each transport: a power of 2 and a multiple of the page size, up to 1G "
                    + "(default: ${DEFAULT-VALUE}).", converter = Sizes.RingSize.class)
    int bytes;

    @Option(names = {"-s", "--event-size"}, paramLabel = "SIZE", defaultValue = "64",
            description = "Bytes per event, up to 65000 (default: ${DEFAULT-VALUE}).", converter = EventSize.class)
    int eventSize;

    @Option(names = "--spread", description = "Send the burst from every CPU in turn, not from CPU 0 alone.")
    boolean spread;

    @Option(names = "--idle", paramLabel = "TIME", defaultValue = "100ms",
            description = "Quiet time before the burst (default: ${DEFAULT-VALUE}).",
            converter = Sizes.Time.class)
    Duration idle;

    @Option(names = {"-j", "--json"}, description = "Print the report as one JSON object.")
    boolean json;

    /** An event from 1 byte to 65000: a perf record's size, headers and all, is a u16. */
    static final class EventSize extends Sizes.Bytes {
        EventSize() {
            super(1, 65000);
        }
    }

    @Override
    public Integer call() {
        BurstCheck.Report report = BurstCheck.run(events, bytes, eventSize, spread, idle);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(report));
        } else {
            print(out, report);
        }
        out.flush();
        return 0;
    }

    static void print(PrintWriter out, BurstCheck.Report r) {
        out.printf("burst of %d events of %d bytes from %s, after %d ms idle%n%n", r.ringbuf().sent(),
                r.eventSize(), r.spread() ? "every CPU" : "CPU 0", r.idle().toMillis());
        out.printf("%-9s %-14s %10s %10s %10s %7s%n", "TRANSPORT", "MEMORY", "SENT", "RECEIVED", "DROPPED", "DROP-%");
        for (BurstCheck.Outcome o : List.of(r.ringbuf(), r.perfbuf())) {
            out.printf("%-9s %-14s %10d %10d %10d %6.1f%%%n", o.transport(), o.memory(), o.sent(), o.received(),
                    o.dropped(), 100.0 * o.dropped() / o.sent());
        }
        out.printf("%nperf buffer: the kernel reported %d samples lost (it reports a loss with the next"
                + " sample that fits, so the last ones of a burst go unreported)%n", r.perfLostReported());
    }

    static String json(BurstCheck.Report r) {
        StringBuilder outcomes = new StringBuilder();
        for (BurstCheck.Outcome o : List.of(r.ringbuf(), r.perfbuf())) {
            if (!outcomes.isEmpty()) {
                outcomes.append(',');
            }
            outcomes.append(String.format("{\"transport\":\"%s\",\"memoryBytes\":%d,\"sent\":%d,\"received\":%d,"
                    + "\"dropped\":%d}", o.transport(), o.memoryBytes(), o.sent(), o.received(), o.dropped()));
        }
        return String.format("{\"eventSize\":%d,\"spread\":%b,\"idleMs\":%d,\"outcomes\":[%s],\"perfLostReported\":%d}",
                r.eventSize(), r.spread(), r.idle().toMillis(), outcomes, r.perfLostReported());
    }
}
