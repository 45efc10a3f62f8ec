package io.bpfring.cli.execsnoop;

import io.bpfring.cli.Json;
import io.bpfring.cli.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code bpfring execsnoop}: one line per exec, system-wide. */
@Command(name = "execsnoop",
        mixinStandardHelpOptions = true,
        description = {
                "Trace every exec on the system, as BCC's and libbpf-tools' execsnoop do.",
                "",
                "A BPF program on the sched/sched_process_exec tracepoint sends each event",
                "(pid, comm, filename: 532 bytes) to user space in one of three ways:",
                "  ringbuf-reserve  reserved straight in a BPF ring buffer, filled in place,",
                "                   submitted (the default: no copy, fails early when full)",
                "  ringbuf-output   built in a per-CPU array, copied into the ring buffer",
                "  perfbuf          built in a per-CPU array, sent to the per-CPU perf buffer",
                "All three print the same rows. Events that found no room are counted in",
                "the program and reported at exit.",
        },
        footer = {
                "",
                "Examples:",
                "  bpfring execsnoop                 trace until Ctrl-C",
                "  bpfring execsnoop -d 10s          trace for ten seconds",
                "  bpfring execsnoop -c 100 --json   the first 100 execs as JSON lines",
                "  bpfring execsnoop --ring-size 4M  a larger ring for bursts",
                "  bpfring execsnoop -t perfbuf -p 64  the perf buffer, 64 pages per CPU",
                "",
                "Columns: TIME (local, when read), EVENT, PID (process id), COMM (the new",
                "program's name, 15 characters at most), FILENAME (the path exec was",
                "given).",
        })
public final class ExecSnoopCommand implements Callable<Integer> {
    static final String HEADER_FORMAT = "%-8s %-5s %-7s %-16s %s%n";
    static final String ROW_FORMAT = "%-8s %-5s %-7d %-16s %s%n";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final Duration POLL_SLICE = Duration.ofMillis(100);

    @Spec
    CommandSpec spec;

    @Option(names = {"-j", "--json"}, description = "Print one JSON object per event instead of columns.")
    boolean json;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME",
            description = "Stop after this long: 500ms, 30s, 5m or 1h.",
            converter = Sizes.PositiveTime.class)
    Duration duration;

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Stop after N events.",
            converter = Sizes.Count.class)
    int count;

    @Option(names = {"-r", "--ring-size"}, paramLabel = "SIZE", defaultValue = "256K",
            description = "Ring buffer size: a power of 2 and a multiple of the page size, "
                    + "like 64K or 4M, up to 1G (default: ${DEFAULT-VALUE}).",
            converter = Sizes.RingSize.class)
    int ringSize;

    @Option(names = {"-t", "--transport"}, paramLabel = "HOW", defaultValue = "ringbuf-reserve",
            description = "ringbuf-reserve, ringbuf-output or perfbuf (default: ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = {"-p", "--pages-per-cpu"}, paramLabel = "N", defaultValue = "32",
            description = "Perf buffer data pages per CPU, a power of 2 (default: ${DEFAULT-VALUE}).",
            converter = Sizes.PerfPages.class)
    int pagesPerCpu;

    private volatile boolean interrupted;
    private long events;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ExecTracer.Transport how = ExecTracer.Transport.ofOption(transport);
        try (ExecTracer tracer = new ExecTracer(how, ringSize, pagesPerCpu, this::print)) {
            err.printf("Tracing execs through %s (%s). Ctrl-C to stop.%n", how.option(), tracer.memory());
            err.flush();
            if (!json) {
                out.printf(HEADER_FORMAT, "TIME", "EVENT", "PID", "COMM", "FILENAME");
                out.flush();
            }
            CountDownLatch finished = new CountDownLatch(1);
            Thread onCtrlC = new Thread(() -> {
                interrupted = true;
                tracer.wakeup();
                try {
                    finished.await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(onCtrlC);
            try {
                // Time gone by is a difference of nanoTime, which holds across its wrap; no deadline to overflow.
                long start = System.nanoTime();
                while (!interrupted && !countReached()) {
                    Duration left = duration == null ? POLL_SLICE : duration.minusNanos(System.nanoTime() - start);
                    if (!left.isPositive()) {
                        break;
                    }
                    tracer.poll(left.compareTo(POLL_SLICE) < 0 ? left : POLL_SLICE);
                    out.flush();
                }
                err.printf("%d events, %d dropped because the buffer was full%n", events, tracer.dropped());
                err.flush();
            } finally {
                finished.countDown();
                if (!interrupted) {
                    Runtime.getRuntime().removeShutdownHook(onCtrlC);
                }
            }
        }
        return 0;
    }

    private boolean countReached() {
        return count > 0 && events >= count;
    }

    private boolean print(ExecEvent event) {
        PrintWriter out = spec.commandLine().getOut();
        String time = LocalTime.now().format(TIME);
        if (json) {
            out.printf("{\"time\":\"%s\",\"event\":\"EXEC\",\"pid\":%d,\"comm\":%s,\"filename\":%s}%n",
                    time, event.pid(), Json.string(event.comm()), Json.string(event.filename()));
        } else {
            out.printf(ROW_FORMAT, time, "EXEC", event.pid(), event.comm(), event.filename());
        }
        events++;
        return !countReached();
    }
}
