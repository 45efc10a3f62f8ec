package io.bpfring.sinks;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OTLP sink against real receivers on loopback, over HTTP and gRPC. */
class OtlpSinkTest {
    @Test
    void httpReceiverGetsEveryRecordAsALogRecordWithItsFields() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.http(200)) {
            check(receiver, "otlp+http://127.0.0.1:" + receiver.port(), 1500);
        }
    }

    @Test
    void grpcReceiverGetsEveryRecordAsALogRecordWithItsFields() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.grpc()) {
            check(receiver, "otlp://127.0.0.1:" + receiver.port(), 700);
        }
    }

    private static void check(OtlpReceiver receiver, String uri, int n) throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SinkSet sinks = Sinks.parse(List.of(uri), options(err));
        sinks.start();
        for (int i = 0; i < n; i++) {
            sinks.accept(TestRecords.record(i));
        }
        sinks.close();
        SinkStats stats = sinks.summary().sinks().getFirst();
        assertEquals(n, stats.delivered(), stats::toString);

        List<LogRecord> logs = new ArrayList<>();
        for (ExportLogsServiceRequest request : receiver.requests) {
            for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
                Map<String, Object> resource = attributes(resourceLogs.getResource().getAttributesList());
                assertEquals("bpfring", resource.get("service.name"));
                assertEquals(Files.readString(Path.of("/proc/sys/kernel/hostname")).strip(), resource.get("host.name"));
                assertEquals("linux", resource.get("os.type"));
                assertEquals(System.getProperty("os.version"), resource.get("os.version"));
                assertEquals(ProcessHandle.current().pid(), resource.get("process.pid"));
                for (ScopeLogs scope : resourceLogs.getScopeLogsList()) {
                    assertEquals("io.bpfring", scope.getScope().getName());
                    logs.addAll(scope.getLogRecordsList());
                }
            }
        }
        assertEquals(n, logs.size());
        for (int i = 0; i < n; i++) {
            LogRecord log = logs.get(i);
            SinkRecord sent = TestRecords.record(i);
            assertEquals(expectedAttributes(sent), attributes(log.getAttributesList()), "record " + i);
            assertEquals(sent.timeNanos(), log.getTimeUnixNano(), "time of record " + i);
            assertTrue(log.getObservedTimeUnixNano() > 0);
            assertEquals(new String(sent.json(), StandardCharsets.UTF_8), log.getBody().getStringValue());
            assertEquals("event", log.getEventName());
            assertEquals(SeverityNumber.SEVERITY_NUMBER_INFO, log.getSeverityNumber());
        }
    }

    @Test
    void aReceiverThatRefusesCountsEveryRecordAsFailedAndWarnsOnce() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.http(400)) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            SinkSet sinks = Sinks.parse(List.of("otlp+http://127.0.0.1:" + receiver.port()), options(err));
            sinks.start();
            for (int i = 0; i < 1200; i++) {
                sinks.accept(TestRecords.record(i));
            }
            sinks.close();
            SinkStats stats = sinks.summary().sinks().getFirst();
            assertEquals(1200, stats.failed(), stats::toString);
            assertEquals(0, stats.delivered());
            String text = err.toString(StandardCharsets.UTF_8);
            assertEquals(1, text.lines().filter(l -> l.startsWith("warning: ") && l.contains("failed")).count(), text);
            assertTrue(text.contains("0 delivered, 0 dropped, 1200 failed, 0 unsent"), text);
        }
    }

    @Test
    void noReceiverIsAOneLineErrorBeforeStarting() throws Exception {
        int port = KafkaBroker.freePort();
        for (String uri : List.of("otlp://127.0.0.1:" + port, "otlp+http://127.0.0.1:" + port)) {
            SinkSet sinks = Sinks.parse(List.of(uri), options(new ByteArrayOutputStream()));
            SinkException e = assertThrows(SinkException.class, sinks::start);
            assertTrue(e.getMessage().startsWith(uri + ": no OTLP receiver answered at 127.0.0.1:" + port),
                    e.getMessage());
            assertFalse(e.getMessage().contains("\n"));
        }
    }

    /** The attributes a record's fields should become. */
    static Map<String, Object> expectedAttributes(SinkRecord record) {
        Map<String, Object> out = new LinkedHashMap<>();
        flatten("", record.fields(), out);
        return out;
    }

    private static void flatten(String prefix, Map<String, ?> fields, Map<String, Object> out) {
        for (Map.Entry<String, ?> e : fields.entrySet()) {
            Object v = e.getValue();
            if (v instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, ?> inner = (Map<String, ?>) nested;
                flatten(prefix + e.getKey() + ".", inner, out);
            } else if (v instanceof BigInteger big) {
                out.put(prefix + e.getKey(), big.bitLength() < 64 ? (Object) big.longValue() : big.toString());
            } else {
                out.put(prefix + e.getKey(), v);
            }
        }
    }

    static Map<String, Object> attributes(List<KeyValue> list) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (KeyValue kv : list) {
            out.put(kv.getKey(), value(kv.getValue()));
        }
        return out;
    }

    private static Object value(AnyValue v) {
        return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case BOOL_VALUE -> v.getBoolValue();
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            case ARRAY_VALUE -> v.getArrayValue().getValuesList().stream().map(OtlpSinkTest::value).toList();
            default -> throw new AssertionError("unexpected attribute value " + v);
        };
    }

    static SinkOptions options(ByteArrayOutputStream err) {
        return SinkOptions.defaults().err(new PrintStream(err, true, StandardCharsets.UTF_8))
                .statusInterval(null).connectTimeout(Duration.ofSeconds(2)).closeTimeout(Duration.ofSeconds(30));
    }
}
