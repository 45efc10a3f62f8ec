package io.bpfring.sinks;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.LogLimits;
import io.opentelemetry.sdk.logs.LogRecordProcessor;
import io.opentelemetry.sdk.logs.ReadWriteLogRecord;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

/**
 * {@code otlp://HOST:PORT} (gRPC, port 4317 by default) and {@code otlp+http://HOST:PORT[/PATH]}
 * (protobuf over HTTP, port 4318, path {@code /v1/logs}): each record an OpenTelemetry log record,
 * exported by the SDK's OTLP exporter in batches from the sink's queue.
 *
 * <p>A log record's event name is the record's type, its body the record's JSON, its attributes
 * the fields (a nested struct's fields as {@code outer.inner}; arrays of numbers, strings or
 * booleans as arrays, other arrays as JSON text; an unsigned value past {@code Long.MAX_VALUE}
 * as its decimal text), its time the record's own where it has one. The resource names the
 * service ({@code bpfring}), the host, its architecture and kernel, and the process.
 *
 * <p>The sink's queue is the only one: there is no batch processor in between to drop records
 * unseen. A batch the receiver refuses after the exporter's retries is counted as failed.
 */
final class OtlpSink extends Sink {
    /**
     * The exporter reports failures on java.util.logging; the sink counts them and warns once
     * instead. Held here so the setting is not collected with the logger.
     */
    private static final java.util.logging.Logger EXPORTER_LOG = quiet("io.opentelemetry.exporter");
    private static final java.util.logging.Logger SDK_LOG = quiet("io.opentelemetry.sdk");

    private final boolean http;
    private final String host;
    private final int port;
    private final String path;
    private final Duration timeout;
    private final String compression;
    private final String serviceName;
    private final List<LogRecordData> pending = new ArrayList<>(MAX_BATCH);
    private LogRecordExporter exporter;
    private SdkLoggerProvider provider;
    private Logger logger;

    OtlpSink(String name, boolean http, String host, int port, String path, Map<String, String> settings,
             OnFull onFull, int capacity, SinkOptions options) {
        super(name, onFull, capacity, options.err());
        this.http = http;
        this.host = host;
        this.port = port;
        this.path = path.isEmpty() ? "/v1/logs" : path;
        if (!http && !path.isEmpty()) {
            throw new SinkException(name + ": an OTLP gRPC address takes no path (otlp+http:// does)");
        }
        Duration t = Duration.ofSeconds(10);
        String c = "none";
        for (Map.Entry<String, String> e : settings.entrySet()) {
            switch (e.getKey()) {
                case "timeout" -> t = Sinks.duration(name, e.getKey(), e.getValue());
                case "compression" -> {
                    c = e.getValue().toLowerCase(Locale.ROOT);
                    if (!c.equals("gzip") && !c.equals("none")) {
                        throw new SinkException(name + ": compression is gzip or none, not '" + e.getValue() + "'");
                    }
                }
                default -> throw new SinkException(name + ": unknown setting '" + e.getKey()
                        + "' (an OTLP sink takes timeout, compression, queue, on-full)");
            }
        }
        this.timeout = t;
        this.compression = c;
        this.serviceName = options.serviceName();
    }

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(name);
        log.setLevel(Level.OFF);
        return log;
    }

    @Override
    void open(SinkOptions options) {
        // The exporter connects lazily and would only fail later, record by record: ask first.
        int ms = (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), ms);
        } catch (IOException e) {
            throw new SinkException(name + ": no OTLP receiver answered at " + host + ":" + port + " ("
                    + describe(e) + ")");
        }
        String endpoint = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        try {
            exporter = http
                    ? OtlpHttpLogRecordExporter.builder().setEndpoint(endpoint + path).setTimeout(timeout)
                            .setCompression(compression).build()
                    : OtlpGrpcLogRecordExporter.builder().setEndpoint(endpoint).setTimeout(timeout)
                            .setCompression(compression).build();
        } catch (RuntimeException e) {
            throw new SinkException(name + ": " + describe(e), e);
        }
        provider = SdkLoggerProvider.builder()
                .setResource(Resource.getDefault().merge(hostResource(serviceName)))
                .setLogLimits(() -> LogLimits.builder().setMaxNumberOfAttributes(4096).build())
                .addLogRecordProcessor(new Collect())
                .build();
        logger = provider.get("io.bpfring");
    }

    /** The service, host, operating system and process, as OpenTelemetry's semantic conventions name them. */
    static Resource hostResource(String serviceName) {
        AttributesBuilder b = Attributes.builder()
                .put("service.name", serviceName)
                .put("host.name", hostName())
                .put("host.arch", arch(System.getProperty("os.arch", "")))
                .put("os.type", System.getProperty("os.name", "").toLowerCase(Locale.ROOT))
                .put("os.version", System.getProperty("os.version", ""))
                .put("process.pid", ProcessHandle.current().pid());
        return Resource.create(b.build());
    }

    private static String hostName() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no procfs: ask the resolver
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    private static String arch(String javaArch) {
        return switch (javaArch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64" -> "arm64";
            case "x86", "i386", "i686" -> "x86";
            case "ppc64le", "ppc64" -> "ppc64";
            case "s390x" -> "s390x";
            default -> javaArch;
        };
    }

    /** Gathers the records the logger emits on the sink's thread into the batch to export. */
    private final class Collect implements LogRecordProcessor {
        @Override
        public void onEmit(Context context, ReadWriteLogRecord record) {
            pending.add(record.toLogRecordData());
        }
    }

    @Override
    void write(List<SinkRecord> batch) {
        pending.clear();
        long bytes = 0;
        long now = System.currentTimeMillis();
        for (SinkRecord record : batch) {
            byte[] json = record.json();
            bytes += json.length;
            AttributesBuilder attributes = Attributes.builder();
            attributes(attributes, "", record.fields());
            var builder = logger.logRecordBuilder()
                    .setEventName(record.type())
                    .setSeverity(Severity.INFO)
                    .setBody(new String(json, StandardCharsets.UTF_8))
                    .setAllAttributes(attributes.build())
                    .setObservedTimestamp(now, TimeUnit.MILLISECONDS);
            if (record.timeNanos() != SinkRecord.NO_TIME) {
                builder.setTimestamp(record.timeNanos(), TimeUnit.NANOSECONDS);
            }
            builder.emit();
        }
        CompletableResultCode result = exporter.export(new ArrayList<>(pending));
        pending.clear();
        // The exporter's own timeout bounds each attempt; its retries add a few seconds more.
        result.join(timeout.toMillis() * 6 + 10_000, TimeUnit.MILLISECONDS);
        if (result.isSuccess()) {
            delivered(batch.size(), bytes);
        } else {
            Throwable cause = result.getFailureThrowable();
            failed(batch.size(), cause != null ? cause
                    : new IOException(result.isDone() ? "the receiver refused the export" : "the export timed out"));
        }
    }

    /** Adds the fields as attributes, nested ones as {@code prefix.name}. */
    static void attributes(AttributesBuilder out, String prefix, Map<String, ?> fields) {
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            String key = prefix + e.getKey();
            switch (e.getValue()) {
                case null -> {
                }
                case String s -> out.put(key, s);
                case Boolean b -> out.put(key, b);
                case Double d -> out.put(key, d);
                case Float f -> out.put(key, f.doubleValue());
                case BigInteger big -> {
                    if (big.bitLength() < 64) {
                        out.put(key, big.longValue());
                    } else {
                        out.put(key, big.toString());
                    }
                }
                case Number n -> out.put(key, n.longValue());
                case Map<?, ?> map -> {
                    @SuppressWarnings("unchecked")
                    Map<String, ?> nested = (Map<String, ?>) map;
                    attributes(out, key + ".", nested);
                }
                case List<?> list -> array(out, key, list);
                default -> out.put(key, e.getValue().toString());
            }
        }
    }

    private static void array(AttributesBuilder out, String key, List<?> list) {
        if (!list.isEmpty() && list.stream().allMatch(v -> v instanceof String)) {
            out.put(AttributeKey.stringArrayKey(key), list.stream().map(String.class::cast).toList());
        } else if (!list.isEmpty() && list.stream().allMatch(v -> v instanceof Boolean)) {
            out.put(AttributeKey.booleanArrayKey(key), list.stream().map(Boolean.class::cast).toList());
        } else if (!list.isEmpty() && list.stream().allMatch(v -> v instanceof Double)) {
            out.put(AttributeKey.doubleArrayKey(key), list.stream().map(Double.class::cast).toList());
        } else if (!list.isEmpty() && list.stream().allMatch(v -> v instanceof Number && !(v instanceof Double)
                && !(v instanceof Float) && !(v instanceof BigInteger big && big.bitLength() >= 64))) {
            out.put(AttributeKey.longArrayKey(key), list.stream().map(v -> ((Number) v).longValue()).toList());
        } else {
            StringBuilder json = new StringBuilder();
            Json.value(list, json);
            out.put(key, json.toString());
        }
    }

    @Override
    void finish() {
        if (provider != null) {
            provider.shutdown().join(1, TimeUnit.SECONDS);
        }
        if (exporter != null) {
            exporter.shutdown().join(5, TimeUnit.SECONDS);
        }
    }
}
