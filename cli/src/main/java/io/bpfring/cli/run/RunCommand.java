package io.bpfring.cli.run;

import io.bpfring.EventReader;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.MapType;
import io.bpfring.cli.Sizes;
import io.bpfring.decode.RecordDecoder;
import io.bpfring.decode.TextBuffer;
import io.bpfring.object.AttachKind;
import io.bpfring.object.BpfObject;
import io.bpfring.object.ProgramSpec;
import io.bpfring.object.VariableSpec;
import io.bpfring.perf.PerfBufReader;
import io.bpfring.ring.RecordView;
import io.bpfring.ringbuf.RingBufReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code bpfring run}: load a BPF object, attach its programs, print the records of its buffers. */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        description = {
                "Load a compiled BPF object (clang -target bpf), attach its programs and print",
                "every record its ring buffers and perf event arrays carry, decoded by a struct",
                "of the object.",
                "",
                "Programs attach where their section names say (tp/, tracepoint/, raw_tp/,",
                "tp_btf/, kprobe/, uprobe/ ...); one whose attach point this kernel lacks, or",
                "that attaches only by hand (xdp, tc, socket ...), is skipped with a warning.",
                "The record struct is looked up in the object's .BTF, then in its DWARF.",
        },
        footer = {
                "",
                "Examples:",
                "  bpfring run execsnoop.bpf.o                     a table until Ctrl-C",
                "  bpfring run execsnoop.bpf.o --json -d 5s        JSON lines for five seconds",
                "  bpfring run tracer.bpf.o --record exec_event -c 10",
                "  bpfring run tracer.bpf.o --set target_pid=1234  set a global before loading",
                "",
                "At the end, a line on stderr counts the records, those lost (perf buffers)",
                "and the records of each buffer.",
        })
public final class RunCommand implements Callable<Integer> {
    private static final Duration POLL_SLICE = Duration.ofMillis(100);
    private static final Set<AttachKind> MANUAL = EnumSet.of(AttachKind.MANUAL);

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OBJECT", description = "The BPF object file (.bpf.o).")
    Path object;

    @Option(names = {"-r", "--record"}, paramLabel = "STRUCT", defaultValue = "event",
            description = "The struct each record holds (default: ${DEFAULT-VALUE}).")
    String record;

    @Option(names = "--set", paramLabel = "NAME=VALUE",
            description = "Set a global variable before loading (repeatable): a number, true/false, "
                    + "an enumerator or a string, typed by the variable's BTF.")
    List<String> sets = new ArrayList<>();

    @Option(names = {"-j", "--json"}, description = "Print one JSON object a line instead of a table.")
    boolean json;

    @Option(names = {"-d", "--duration"}, paramLabel = "TIME",
            description = "Stop after this long: 30s, 5m, 1h, or plain seconds.",
            converter = Sizes.PositiveTime.class)
    Duration duration;

    @Option(names = {"-c", "--count"}, paramLabel = "N", description = "Stop after N records.",
            converter = Sizes.Count.class)
    int count;

    @Option(names = {"-p", "--pages-per-cpu"}, paramLabel = "N", defaultValue = "64",
            description = "Perf buffer data pages per CPU, a power of 2 (default: ${DEFAULT-VALUE}).",
            converter = Sizes.PerfPages.class)
    int pagesPerCpu;

    private volatile boolean interrupted;
    private long records;
    private long lost;
    private final Map<String, long[]> perBuffer = new LinkedHashMap<>();
    private final TextBuffer text = new TextBuffer();
    private RecordDecoder decoder;
    /** The readers of the running loop, for Ctrl-C to wake. */
    private volatile List<EventReader> active = List.of();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ObjectFile file = ObjectFile.open(spec, object);
        ObjectFile.Struct struct = file.requireStruct(record);
        decoder = RecordDecoder.forType(struct.btf(), struct.id());
        for (String assignment : sets) {
            set(file, assignment);
        }
        // Ctrl-C ends the loop; the hook then waits until the closing line is out, as the JVM halts after it.
        CountDownLatch finished = new CountDownLatch(1);
        Thread onCtrlC = new Thread(() -> {
            interrupted = true;
            active.forEach(EventReader::wakeup);
            try {
                finished.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        try {
            return runLoaded(file, struct, out, err);
        } finally {
            finished.countDown();
            if (!interrupted) {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            }
        }
    }

    private int runLoaded(ObjectFile file, ObjectFile.Struct struct, PrintWriter out, PrintWriter err) {
        try (BpfObject loaded = file.spec.load()) {
            attachAll(loaded, err);
            List<EventReader> readers = new ArrayList<>();
            try {
                openReaders(loaded, readers);
                if (readers.isEmpty()) {
                    throw new IllegalArgumentException(object + " has no ring buffer (RINGBUF) or perf event array map to read");
                }
                active = List.copyOf(readers);
                err.printf("Reading %s as struct %s (%d bytes, from %s). Ctrl-C to stop.%n",
                        String.join(", ", perBuffer.keySet()), record, decoder.size(), struct.from());
                err.flush();
                if (!json) {
                    decoder.writeTableHeader(text);
                    drain(out);
                }
                loop(readers, out);
            } finally {
                active = List.of();
                readers.forEach(EventReader::close);
            }
        }
        StringJoiner each = new StringJoiner(", ");
        perBuffer.forEach((name, n) -> each.add(name + " " + n[0]));
        err.printf("%d records, %d lost (%s)%n", records, lost, each);
        err.flush();
        return 0;
    }

    /**
     * One loop for every buffer: each reader in turn sleeps on its own epoll for its share of the
     * slice (one reader: the whole slice), delivering what it has as soon as it has it.
     */
    private void loop(List<EventReader> readers, PrintWriter out) {
        try {
            long start = System.nanoTime();
            while (!interrupted && !countReached()) {
                Duration left = duration == null ? POLL_SLICE : duration.minusNanos(System.nanoTime() - start);
                if (!left.isPositive()) {
                    break;
                }
                Duration wait = (left.compareTo(POLL_SLICE) < 0 ? left : POLL_SLICE).dividedBy(readers.size());
                for (EventReader reader : readers) {
                    if (countReached() || interrupted) {
                        break;
                    }
                    reader.poll(wait);
                }
                drain(out);
            }
        } finally {
            drain(out);
        }
    }

    private void openReaders(BpfObject loaded, List<EventReader> readers) {
        for (Map.Entry<String, BpfMap> e : loaded.maps().entrySet()) {
            String name = e.getKey();
            BpfMap map = e.getValue();
            if (map.type().equals(MapType.RINGBUF)) {
                long[] n = counter(name);
                readers.add(RingBufReader.of(map, view -> print(view, n)));
            } else if (map.type().equals(MapType.PERF_EVENT_ARRAY)) {
                long[] n = counter(name);
                readers.add(PerfBufReader.builder(map)
                        .pagesPerCpu(pagesPerCpu)
                        .onSample((cpu, view) -> print(view, n))
                        .onLost((cpu, count) -> lost += count)
                        .open());
            }
        }
    }

    private long[] counter(String name) {
        long[] n = new long[1];
        perBuffer.put(name, n);
        return n;
    }

    private boolean print(RecordView view, long[] perRing) {
        if (json) {
            decoder.writeJson(view, text);
        } else {
            decoder.writeRow(view, text);
        }
        records++;
        perRing[0]++;
        return !countReached();
    }

    private void drain(PrintWriter out) {
        if (text.length() > 0) {
            out.write(new String(text.array(), 0, text.length(), StandardCharsets.UTF_8));
            text.clear();
        }
        out.flush();
    }

    private boolean countReached() {
        return count > 0 && records >= count;
    }

    /** Attaches every program that attaches by its section; fails only if none does. */
    private void attachAll(BpfObject loaded, PrintWriter err) {
        int attached = 0;
        List<String> names = new ArrayList<>();
        for (ProgramSpec p : loaded.spec().programs()) {
            if (!loaded.programs().containsKey(p.name())) {
                continue;
            }
            names.add(p.name());
            if (MANUAL.contains(p.attachKind())) {
                err.printf("warning: skipped %s (section %s): it attaches only by hand%n", p.name(), p.section());
                continue;
            }
            try {
                loaded.attach(p.name());
                attached++;
            } catch (RuntimeException e) {
                err.printf("warning: skipped %s (section %s): %s%n", p.name(), p.section(), e.getMessage());
            }
        }
        err.flush();
        if (attached == 0) {
            throw new IllegalStateException("no program of " + object + " could be attached (programs: " + names + ")");
        }
    }

    private void set(ObjectFile file, String assignment) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--set takes NAME=VALUE, not '" + assignment + "'");
        }
        String name = assignment.substring(0, eq);
        VariableSpec variable;
        try {
            variable = file.spec.variable(name);
        } catch (NoSuchElementException e) {
            List<String> known = file.spec.variables().stream().map(VariableSpec::name).toList();
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--set " + assignment + ": " + object + " has no global '" + name + "'"
                            + (known.isEmpty() ? "" : " (globals: " + String.join(", ", known) + ")"));
        }
        try {
            variable.set(assignment.substring(eq + 1));
        } catch (RuntimeException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--set " + assignment + ": " + e.getMessage());
        }
    }
}
