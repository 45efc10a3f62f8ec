package io.bpfring.cli.execsnoop;

import io.bpfring.sinks.KafkaBroker;
import io.bpfring.sinks.OtlpReceiver;
import io.bpfring.testing.Kernel;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * execsnoop's execs sent to a real Kafka broker (read back by a consumer), a real OTLP/HTTP
 * receiver and a scraped metrics endpoint, while this test starts processes; and the one-line
 * errors of a sink that cannot be used.
 */
class ExecSnoopSinksTest {
    @TempDir
    static Path dir;
    static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        Kernel.require();
        broker = KafkaBroker.start(dir);
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void requireKernel() {
        Kernel.require();
    }

    @Test
    void everyExecReachesKafkaKeyedByPidAsTheJsonLine() throws Exception {
        broker.createTopic("execs", 2);
        ExecSnoopCommandTest.Run run = ExecSnoopCommandTest.runWhileSpawning("execsnoop", "--sink",
                "kafka://" + broker.bootstrap() + "/execs", "-d", "3s");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(List.of(), run.out(), "nothing on stdout without a stdout sink");
        Matcher closing = Pattern.compile("sinks: (\\d+) records \\(ring execs: 0 lost, 0 dropped\\); kafka://"
                + broker.bootstrap() + "/execs: (\\d+) delivered, 0 dropped, 0 failed, 0 unsent").matcher(run.err());
        assertTrue(closing.find(), run.err());
        assertEquals(closing.group(1), closing.group(2));
        int sent = Integer.parseInt(closing.group(1));

        List<ConsumerRecord<byte[], byte[]>> read = readAll("execs", sent);
        assertEquals(sent, read.size());
        List<ExecEvent> ours = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : read) {
            String json = new String(r.value(), StandardCharsets.UTF_8);
            Matcher m = ExecSnoopCommandTest.JSON.matcher(json);
            assertTrue(m.matches(), "not today's --json line: " + json);
            assertEquals(m.group(1), new String(r.key(), StandardCharsets.US_ASCII), "the key is the pid");
            ExecEvent event = new ExecEvent(Integer.parseInt(m.group(1)), m.group(2), m.group(3));
            if (run.burst().owns(event)) {
                ours.add(event);
            }
        }
        // The processes this test started while tracing arrived, keyed by their pids.
        assertTrue(ours.size() >= 5, "our execs in Kafka: " + ours.size());
        assertTrue(run.spawned().containsAll(ours), ours + " not all in " + run.spawned());
    }

    @Test
    void anOtlpReceiverGetsEachExecAsALogRecord() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.http(200)) {
            ExecSnoopCommandTest.Run run = ExecSnoopCommandTest.runWhileSpawning("execsnoop", "--sink",
                    "otlp+http://127.0.0.1:" + receiver.port(), "--sink", "stdout:json", "-c", "10");
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.err().contains("otlp+http://127.0.0.1:" + receiver.port() + ": 10 delivered, 0 dropped"),
                    run.err());
            List<LogRecord> logs = new ArrayList<>();
            for (ExportLogsServiceRequest request : receiver.requests) {
                for (ResourceLogs resource : request.getResourceLogsList()) {
                    for (ScopeLogs scope : resource.getScopeLogsList()) {
                        logs.addAll(scope.getLogRecordsList());
                    }
                }
            }
            assertEquals(10, logs.size());
            // Each log record is the line stdout:json printed, with its fields as attributes.
            for (int i = 0; i < 10; i++) {
                LogRecord log = logs.get(i);
                assertEquals("exec", log.getEventName());
                assertEquals(run.out().get(i), log.getBody().getStringValue());
                Matcher m = ExecSnoopCommandTest.JSON.matcher(log.getBody().getStringValue());
                assertTrue(m.matches(), log.getBody().getStringValue());
                Map<String, Object> attributes = new HashMap<>();
                for (KeyValue kv : log.getAttributesList()) {
                    attributes.put(kv.getKey(), kv.getValue().hasIntValue() ? (Object) kv.getValue().getIntValue()
                            : kv.getValue().getStringValue());
                }
                assertEquals(Long.parseLong(m.group(1)), attributes.get("pid"));
                assertEquals(m.group(2), attributes.get("comm"));
                assertEquals(m.group(3), attributes.get("filename"));
                assertTrue(log.getTimeUnixNano() > 0);
            }
        }
    }

    @Test
    void metricsAreServedOnLoopbackWhileTracing() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ExecSnoopCommandTest.Run[] run = new ExecSnoopCommandTest.Run[1];
        CompletableFuture<Void> command = CompletableFuture.runAsync(() -> {
            try {
                run[0] = ExecSnoopCommandTest.runWhileSpawning("execsnoop", "--metrics", Integer.toString(port),
                        "--sink", "stdout:json", "-d", "4s");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        HttpClient http = HttpClient.newHttpClient();
        String scraped = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (scraped == null && !command.isDone() && System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && metric(response.body(), "bpfring_records_total") > 0) {
                    scraped = response.body();
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        command.get(60, TimeUnit.SECONDS);
        assertEquals(0, run[0].exitCode(), run[0].err());
        assertTrue(scraped != null, "no scrape with records during the run: " + run[0].err());
        assertTrue(metric(scraped, "bpfring_ring_records_total{ring=\"execs\"}") > 0, scraped);
        assertEquals(256 * 1024.0, metric(scraped, "bpfring_ring_size_bytes{ring=\"execs\"}"), scraped);
        assertTrue(metric(scraped, "bpfring_sink_accepted_total{sink=\"stdout:json\"}") > 0, scraped);
        assertFalse(run[0].err().contains("Exception"), run[0].err());
    }

    private static double metric(String text, String name) {
        for (String line : text.lines().toList()) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).strip());
            }
        }
        return -1;
    }

    @Test
    void anInvalidUriIsAUsageErrorBeforeAnythingIsLoaded() {
        ExecSnoopCommandTest.Run run = ExecSnoopCommandTest.run("execsnoop", "--sink", "kafka://nohost/execs");
        assertEquals(2, run.exitCode(), run.err());
        assertEquals(List.of("bpfring execsnoop: kafka://nohost/execs: 'nohost' is not HOST:PORT "
                + "(see bpfring execsnoop --help)"), run.err().lines().toList());
        assertEquals(List.of(), run.out());
    }

    @Test
    void anUnreachableBrokerIsOneLineBeforeTracing() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ExecSnoopCommandTest.Run run = ExecSnoopCommandTest.run("execsnoop", "--sink", "kafka://127.0.0.1:" + port
                + "/execs", "-d", "1s");
        assertEquals(1, run.exitCode(), run.err());
        assertEquals(List.of("bpfring execsnoop: kafka://127.0.0.1:" + port + "/execs: no Kafka broker answered at 127.0.0.1:"
                + port + " within 5000 ms"), run.err().lines().toList());
        assertEquals(List.of(), run.out());
    }

    @Test
    void aMissingTopicIsOneLineBeforeTracing() {
        ExecSnoopCommandTest.Run run = ExecSnoopCommandTest.run("execsnoop", "--sink", "kafka://" + broker.bootstrap()
                + "/nosuchtopic", "-d", "1s");
        assertEquals(1, run.exitCode(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("bpfring execsnoop: kafka://" + broker.bootstrap() + "/nosuchtopic: "), run.err());
        assertTrue(run.err().contains("nosuchtopic"), run.err());
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int n) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (read.size() < n && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(read::add);
            }
        }
        return read;
    }
}
