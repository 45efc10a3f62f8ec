package io.bpfring.cli.run;

import io.bpfring.EventReader;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.MapType;
import io.bpfring.cli.SinkOptionsMixin;
import io.bpfring.cli.Sizes;
import io.bpfring.cli.TraceLoop;
import io.bpfring.decode.RecordDecoder;
import io.bpfring.object.AttachKind;
import io.bpfring.object.BpfObject;
import io.bpfring.object.ProgramSpec;
import io.bpfring.object.VariableSpec;
import io.bpfring.perf.PerfBufReader;
import io.bpfring.ring.RecordView;
import io.bpfring.ringbuf.RingBufReader;
import io.bpfring.sinks.RingMeter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code bpfring run}: load a BPF object, attach its programs, send the records of its buffers to the sinks. */
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
                "",
                "Records are printed, or go to Kafka, OpenTelemetry or a Flight Recorder file",
                "(--sink) as JSON with the struct's fields, keyed by its pid (or tgid) member.",
        },
        footer = {
                "",
                "Examples:",
                "  bpfring run execsnoop.bpf.o                     a table until Ctrl-C",
                "  bpfring run execsnoop.bpf.o --json -d 5s        JSON lines for five seconds",
                "  bpfring run tracer.bpf.o --record exec_event -c 10",
                "  bpfring run tracer.bpf.o --set target_pid=1234  set a global before loading",
                "  bpfring run execsnoop.bpf.o --sink kafka://127.0.0.1:9092/execs",
                "  bpfring run execsnoop.bpf.o --sink otlp+http://127.0.0.1:4318 --metrics 9464",
                "  bpfring run execsnoop.bpf.o --sink jfr:execs.jfr -d 1m   for JDK Mission Control",
                "",
                "At the end, a line on stderr counts the records, those lost (perf buffers)",
                "and what each sink delivered, dropped or failed; runs longer than 5 s show",
                "live counters on stderr every 5 s.",
        })
public final class RunCommand implements Callable<Integer> {
    private static final Set<AttachKind> MANUAL = EnumSet.of(AttachKind.MANUAL);

    @Spec
    CommandSpec spec;

    @Mixin
    SinkOptionsMixin output;

    @Parameters(index = "0", paramLabel = "OBJECT", description = "The BPF object file (.bpf.o).")
    Path object;

    @Option(names = {"-r", "--record"}, paramLabel = "STRUCT", defaultValue = "event",
            description = "The struct each record holds (default: ${DEFAULT-VALUE}).")
    String record;

    @Option(names = "--set", paramLabel = "NAME=VALUE",
            description = "Set a global variable before loading (repeatable): a number, true/false, "
                    + "an enumerator or a string, typed by the variable's BTF.")
    List<String> sets = new ArrayList<>();

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

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        ObjectFile file = ObjectFile.open(spec, object);
        ObjectFile.Struct struct = file.requireStruct(record);
        RecordDecoder decoder = RecordDecoder.forType(struct.btf(), struct.id());
        for (String assignment : sets) {
            set(file, assignment);
        }
        TraceLoop loop = output.loop(DecodedRecords.table(decoder), duration, count);
        DecodedRecords records = new DecodedRecords(decoder, struct.btf(), struct.id(), output.printsTable());
        loop.start();
        try (loop; BpfObject loaded = file.spec.load()) {
            attachAll(loaded, err);
            Map<String, EventReader> readers = new LinkedHashMap<>();
            try {
                openReaders(loaded, loop, records, readers);
                if (readers.isEmpty()) {
                    throw new IllegalArgumentException(object + " has no ring buffer (RINGBUF) or perf event array map to read");
                }
                return loop.run(source(loop, List.copyOf(readers.values())), err,
                        String.format("Reading %s as struct %s (%d bytes, from %s). Ctrl-C to stop.",
                                String.join(", ", readers.keySet()), record, decoder.size(), struct.from()));
            } finally {
                readers.values().forEach(EventReader::close);
            }
        }
    }

    /**
     * Every buffer in one loop: each reader in turn sleeps on its own epoll for its share of the
     * slice (one reader: the whole slice), delivering what it has as soon as it has it.
     */
    private static TraceLoop.Source source(TraceLoop loop, List<EventReader> readers) {
        return new TraceLoop.Source() {
            @Override
            public void poll(Duration timeout) {
                Duration each = timeout.dividedBy(readers.size());
                for (EventReader reader : readers) {
                    if (loop.done()) {
                        break;
                    }
                    reader.poll(each);
                }
            }

            @Override
            public void wakeup() {
                readers.forEach(EventReader::wakeup);
            }
        };
    }

    /** A reader for every ring buffer and perf event array of the object, by map name. */
    private void openReaders(BpfObject loaded, TraceLoop loop, DecodedRecords records, Map<String, EventReader> readers) {
        for (Map.Entry<String, BpfMap> e : loaded.maps().entrySet()) {
            String name = e.getKey();
            BpfMap map = e.getValue();
            if (map.type().equals(MapType.RINGBUF)) {
                Buffer buffer = new Buffer(loop, records);
                RingBufReader reader = RingBufReader.of(map, buffer::accept);
                readers.put(name, reader);
                RingBufReader.Ring ring = reader.rings().getFirst();
                buffer.meter = loop.ring(name, ring.size(), ring::availableBytes);
            } else if (map.type().equals(MapType.PERF_EVENT_ARRAY)) {
                Buffer buffer = new Buffer(loop, records);
                PerfBufReader reader = PerfBufReader.builder(map)
                        .pagesPerCpu(pagesPerCpu)
                        .onSample((cpu, view) -> buffer.accept(view))
                        .onLost((cpu, count) -> buffer.lost(count))
                        .open();
                readers.put(name, reader);
                buffer.meter = loop.ring(name, reader.buffers().size() * reader.bytesPerCpu(),
                        () -> reader.buffers().stream().mapToLong(PerfBufReader.CpuBuffer::availableBytes).sum());
            }
        }
    }

    /** One buffer's handlers: each record counted on the buffer's meter, then handed to the sinks. */
    private static final class Buffer {
        private final TraceLoop loop;
        private final DecodedRecords records;
        /** Set once the reader exists, before the first poll. */
        RingMeter meter;
        private long lost;

        Buffer(TraceLoop loop, DecodedRecords records) {
            this.loop = loop;
            this.records = records;
        }

        boolean accept(RecordView view) {
            meter.record(view.length());
            return loop.accept(records.read(view));
        }

        void lost(long count) {
            lost += count;
            meter.lost(lost);
        }
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
