package io.bpfring.cli;

import io.bpfring.sinks.OnFull;
import io.bpfring.sinks.SinkException;
import io.bpfring.sinks.SinkOptions;
import io.bpfring.sinks.Sinks;
import io.bpfring.sinks.TableFormat;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a tracing command's records go ({@code --sink}, {@code --on-full}, {@code --metrics},
 * {@code --json}), for {@code @Mixin} in each such command; {@link #loop} makes the read loop
 * that writes to them.
 */
public final class SinkOptionsMixin {
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--sink", paramLabel = "URI",
            description = {
                    "Where records go (repeatable; each record goes to every sink):",
                    "  stdout                   a table (the default)",
                    "  stdout:json              one JSON object a line (as --json)",
                    "  kafka://HOST:PORT/TOPIC  Kafka: key the pid, value the JSON",
                    "  otlp://HOST[:PORT]       OpenTelemetry logs over gRPC (4317)",
                    "  otlp+http://HOST[:PORT]  the same over OTLP/HTTP (4318)",
                    "  jfr:FILE.jfr             a Flight Recorder file",
                    "Each takes ?queue=N&on-full=drop|block; kafka:// any producer setting",
                    "(?compression.type=zstd), otlp timeout=10s and compression=gzip.",
                    "A broker or receiver that does not answer stops the command before tracing."})
    List<String> uris = new ArrayList<>();

    @Option(names = "--on-full", paramLabel = "POLICY", defaultValue = "drop", converter = OnFullConverter.class,
            description = {
                    "When a sink's queue is full: drop (the default: the record is dropped for that",
                    "sink, counted, warned of once) or block (the reader waits: nothing dropped by",
                    "the sink, but a ring not read fills and the kernel loses records)."})
    OnFull onFull;

    @Option(names = "--metrics", paramLabel = "[ADDRESS:]PORT",
            description = {
                    "Serve Prometheus metrics at http://127.0.0.1:PORT/metrics (records, each",
                    "ring's fill and losses, each sink's deliveries and drops); loopback only",
                    "unless an ADDRESS is given (0.0.0.0:PORT for every address)."})
    String metrics;

    @Option(names = {"-j", "--json"}, description = "Print one JSON object a line instead of a table (--sink stdout:json).")
    boolean json;

    /** {@code drop} or {@code block}, a usage error otherwise. */
    static final class OnFullConverter implements ITypeConverter<OnFull> {
        @Override
        public OnFull convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "drop" -> OnFull.DROP;
                case "block" -> OnFull.BLOCK;
                default -> throw new TypeConversionException("'" + value + "' is not drop or block");
            };
        }
    }

    /** Whether the records are printed as a table: so a command writes table rows only when one is shown. */
    public boolean printsTable() {
        if (uris.isEmpty()) {
            return !json;
        }
        return uris.stream().map(uri -> uri.strip().toLowerCase(Locale.ROOT).split("\\?", 2)[0])
                .anyMatch(base -> base.equals("stdout") || base.equals("stdout:table"));
    }

    /**
     * The read loop over the sinks named, not yet connected: a URI or address that does not parse
     * is a usage error (exit status 2), before anything is loaded.
     *
     * @param table the stdout table's columns
     * @param duration how long to read, or {@code null} until Ctrl-C
     * @param count records to read at most, or 0 for no limit
     */
    public TraceLoop loop(TableFormat table, Duration duration, long count) {
        CommandLine cli = command.commandLine();
        List<String> all = new ArrayList<>(uris);
        if (json && !all.contains("stdout:json")) {
            all.add("stdout:json");
        }
        SinkOptions options = SinkOptions.defaults().onFull(onFull).table(table)
                .out(new PrintStream(new WriterStream(cli.getOut()), false, StandardCharsets.UTF_8))
                .err(new PrintStream(new WriterStream(cli.getErr()), true, StandardCharsets.UTF_8));
        try {
            if (metrics != null) {
                options.metrics(metrics);
            }
            return new TraceLoop(Sinks.parse(all, options), duration, count);
        } catch (SinkException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
    }
}
