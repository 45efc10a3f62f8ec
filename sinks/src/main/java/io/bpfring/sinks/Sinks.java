package io.bpfring.sinks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sink URIs, as {@code --sink} takes them, to a {@link SinkSet}:
 * <ul>
 *   <li>{@code stdout} (a table), {@code stdout:json} (one JSON object a line);
 *   <li>{@code kafka://HOST:PORT[,HOST:PORT...]/TOPIC};
 *   <li>{@code otlp://HOST[:PORT]} (gRPC, 4317), {@code otlp+http://HOST[:PORT][/PATH]} (4318, {@code /v1/logs});
 *   <li>{@code jfr:FILE.jfr}.
 * </ul>
 * Each takes a query: {@code queue=N} and {@code on-full=drop|block} for that sink alone;
 * Kafka producer settings ({@code kafka://h:9092/t?compression.type=zstd&linger.ms=20});
 * {@code timeout=10s} and {@code compression=gzip} for OTLP.
 */
public final class Sinks {
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[^:\\[\\]/]+)(?::(\\d{1,5}))?");
    private static final String KINDS = "kafka://HOST:PORT/TOPIC, otlp://HOST:PORT, otlp+http://HOST:PORT, "
            + "jfr:FILE.jfr, stdout or stdout:json";

    private Sinks() {
    }

    /**
     * The sinks the URIs name, not yet started: checks the URIs' syntax only (no network, no
     * files); {@link SinkSet#start} connects. No URIs give {@code stdout}.
     *
     * @throws SinkException with a one-line message naming the URI at fault
     */
    public static SinkSet parse(List<String> uris, SinkOptions options) {
        List<String> all = uris.isEmpty() ? List.of("stdout") : uris;
        List<Sink> sinks = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String uri : all) {
            String u = uri.strip();
            if (!seen.add(u)) {
                throw new SinkException("--sink " + u + " is given twice");
            }
            sinks.add(sink(u, options));
        }
        return new SinkSet(sinks, options);
    }

    static Sink sink(String uri, SinkOptions options) {
        if (uri.isEmpty()) {
            throw new SinkException("an empty --sink: use " + KINDS);
        }
        int q = uri.indexOf('?');
        String base = q < 0 ? uri : uri.substring(0, q);
        Map<String, String> settings = query(uri, q < 0 ? "" : uri.substring(q + 1));
        OnFull onFull = options.onFull();
        int capacity = options.queueCapacity();
        String policy = settings.remove("on-full");
        if (policy != null) {
            try {
                onFull = OnFull.parse(policy);
            } catch (SinkException e) {
                throw new SinkException(uri + ": on-full is drop or block, not '" + policy + "'");
            }
        }
        String queue = settings.remove("queue");
        if (queue != null) {
            try {
                capacity = Integer.parseInt(queue);
            } catch (NumberFormatException e) {
                capacity = 0;
            }
            if (capacity < 1) {
                throw new SinkException(uri + ": queue is a number of records, at least 1, not '" + queue + "'");
            }
        }
        String lower = base.toLowerCase(Locale.ROOT);
        if (lower.equals("stdout") || lower.equals("stdout:table") || lower.equals("stdout:json")) {
            noSettings(uri, settings);
            return new StdoutSink(uri, lower.endsWith(":json"), onFull, capacity, options);
        }
        if (lower.startsWith("stdout:")) {
            throw new SinkException(uri + ": stdout prints a table (stdout) or JSON lines (stdout:json)");
        }
        if (lower.startsWith("jfr:")) {
            String file = base.substring(4);
            if (file.startsWith("//")) {
                file = file.substring(2); // jfr:///tmp/x.jfr, as a file URI would say it
            }
            if (file.isBlank()) {
                throw new SinkException(uri + ": no file: jfr:FILE.jfr");
            }
            noSettings(uri, settings);
            try {
                return new JfrSink(uri, Path.of(file), onFull, capacity, options);
            } catch (java.nio.file.InvalidPathException e) {
                throw new SinkException(uri + ": '" + file + "' is not a file name");
            }
        }
        if (lower.startsWith("kafka://")) {
            String rest = base.substring("kafka://".length());
            int slash = rest.indexOf('/');
            String servers = slash < 0 ? rest : rest.substring(0, slash);
            String topic = slash < 0 ? "" : rest.substring(slash + 1);
            for (String server : servers.split(",", -1)) {
                Matcher m = HOST_PORT.matcher(server);
                if (!m.matches() || m.group(2) == null) {
                    throw new SinkException(uri + ": '" + server + "' is not HOST:PORT");
                }
                port(uri, m.group(2));
            }
            return new KafkaSink(uri, servers, topic, settings, onFull, capacity, options);
        }
        boolean grpc = lower.startsWith("otlp://");
        if (grpc || lower.startsWith("otlp+http://")) {
            String rest = base.substring(grpc ? "otlp://".length() : "otlp+http://".length());
            int slash = rest.indexOf('/');
            String authority = slash < 0 ? rest : rest.substring(0, slash);
            String path = slash < 0 ? "" : rest.substring(slash);
            Matcher m = HOST_PORT.matcher(authority);
            if (!m.matches()) {
                throw new SinkException(uri + ": '" + authority + "' is not HOST or HOST:PORT");
            }
            String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
            int port = m.group(2) == null ? (grpc ? 4317 : 4318) : port(uri, m.group(2));
            return new OtlpSink(uri, !grpc, host, port, path, settings, onFull, capacity, options);
        }
        throw new SinkException("unknown sink '" + uri + "': use " + KINDS);
    }

    private static Map<String, String> query(String uri, String query) {
        Map<String, String> settings = new LinkedHashMap<>();
        if (query.isEmpty()) {
            return settings;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new SinkException(uri + ": '" + pair + "' is not NAME=VALUE");
            }
            if (settings.put(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
                throw new SinkException(uri + ": " + pair.substring(0, eq) + " is given twice");
            }
        }
        return settings;
    }

    private static void noSettings(String uri, Map<String, String> settings) {
        if (!settings.isEmpty()) {
            throw new SinkException(uri + ": unknown setting '" + settings.keySet().iterator().next()
                    + "' (this sink takes queue and on-full)");
        }
    }

    private static int port(String uri, String text) {
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new SinkException(uri + ": port " + port + " is not between 1 and 65535");
        }
        return port;
    }

    /** {@code 10s}, {@code 500ms}, {@code 2m} or plain seconds. */
    static Duration duration(String uri, String key, String text) {
        Matcher m = Pattern.compile("(\\d{1,9})(ms|s|m)?").matcher(text.strip());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new SinkException(uri + ": " + key + " is a time like 10s or 500ms, not '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
