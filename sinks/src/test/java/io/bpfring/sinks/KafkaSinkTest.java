package io.bpfring.sinks;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Kafka sink against a real broker (KRaft, in a child JVM), read back by a real consumer. */
class KafkaSinkTest {
    @TempDir
    static Path dir;
    static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start(dir);
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void recordsArriveFieldByFieldKeyedByPidInOrder() throws Exception {
        broker.createTopic("exec", 3);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SinkSet sinks = Sinks.parse(List.of("kafka://" + broker.bootstrap() + "/exec"), options(err));
        sinks.start();
        int n = 2000;
        for (int i = 0; i < n; i++) {
            sinks.accept(TestRecords.record(i));
        }
        sinks.close();
        SinkStats stats = sinks.summary().sinks().getFirst();
        assertEquals(n, stats.delivered(), stats::toString);
        assertEquals(0, stats.dropped() + stats.failed() + stats.unsent(), stats::toString);
        assertTrue(err.toString().contains("2000 delivered, 0 dropped, 0 failed, 0 unsent"), err::toString);

        List<ConsumerRecord<byte[], byte[]>> read = readAll("exec", n, Duration.ofSeconds(30));
        assertEquals(n, read.size());
        Map<Integer, Long> lastSeqOfPartitionAndPid = new HashMap<>();
        Map<Long, Integer> partitionOfPid = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : read) {
            Map<String, Object> got = Json.parseObject(r.value());
            long seq = (Long) got.get("seq");
            SinkRecord sent = TestRecords.record(seq);
            assertEquals(List.copyOf(sent.fields().keySet()), List.copyOf(got.keySet()), "field order");
            for (String field : sent.fields().keySet()) {
                assertEquals(sent.fields().get(field), got.get(field), field + " of record " + seq);
            }
            assertEquals(Long.toString(sent.key()), new String(r.key(), StandardCharsets.US_ASCII), "key");
            assertEquals(sent.timeNanos() / 1_000_000, r.timestamp(), "timestamp");
            // One process's records stay in one partition, in the order they were sent.
            Integer partition = partitionOfPid.putIfAbsent(sent.key(), r.partition());
            assertTrue(partition == null || partition == r.partition(), "pid " + sent.key() + " in two partitions");
            int slot = (int) sent.key();
            Long last = lastSeqOfPartitionAndPid.put(slot, seq);
            assertTrue(last == null || last < seq, "pid " + slot + ": " + seq + " after " + last);
        }
        assertTrue(partitionOfPid.values().stream().distinct().count() > 1, "keys spread over partitions");
    }

    @Test
    void brokerKilledAndRestartedMidStreamLosesNothing() throws Exception {
        broker.createTopic("restart", 3);
        broker.createTopic("small", 1);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // The second sink's buffers are tiny: while the broker is away it must drop, and count.
        SinkSet sinks = Sinks.parse(List.of("kafka://" + broker.bootstrap() + "/restart",
                "kafka://" + broker.bootstrap() + "/small?queue=64&buffer.memory=32768&batch.size=4096"), options(err));
        sinks.start();
        int n = 30_000;
        int killAt = 5_000;
        double perSecond = 5_000;
        Thread restarter = null;
        long start = System.nanoTime();
        long downAt = 0;
        for (int i = 0; i < n; i++) {
            if (i == killAt) {
                broker.kill();
                downAt = System.nanoTime();
                restarter = Thread.ofPlatform().start(() -> {
                    try {
                        Thread.sleep(1000);
                        broker.startAgain();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
            }
            sinks.accept(TestRecords.record(i));
            if (i % 50 == 0) {
                long due = start + (long) (i / perSecond * 1e9);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        }
        restarter.join();
        SinkStats whileSending = sinks.sinkStats().getFirst();
        sinks.close();
        System.err.printf("broker away %d ms; sink when it was back: %s%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - downAt), whileSending);
        SinkSet.Summary summary = sinks.summary();
        SinkStats main = summary.sinks().get(0);
        SinkStats small = summary.sinks().get(1);
        assertEquals(n, main.delivered(), main::toString);
        assertEquals(0, main.dropped() + main.failed() + main.unsent(), main::toString);

        List<ConsumerRecord<byte[], byte[]>> read = readAll("restart", n, Duration.ofSeconds(60));
        boolean[] seen = new boolean[n];
        int duplicates = 0;
        for (ConsumerRecord<byte[], byte[]> r : read) {
            int seq = (int) (long) (Long) Json.parseObject(r.value()).get("seq");
            if (seen[seq]) {
                duplicates++;
            }
            seen[seq] = true;
        }
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!seen[i]) {
                missing.add(i);
            }
        }
        System.err.printf("read %d records back: %d duplicates, %d missing%n", read.size(), duplicates, missing.size());
        assertEquals(List.of(), missing.subList(0, Math.min(20, missing.size())), missing.size() + " records missing");
        assertEquals(n + duplicates, read.size());

        // The small sink dropped while the broker was away: counted, warned of once, and every
        // record it counted as delivered is in its topic.
        assertTrue(small.dropped() > 0, small::toString);
        assertEquals(n, small.accepted() + small.dropped(), small::toString);
        assertEquals(small.accepted(), small.delivered() + small.failed() + small.unsent(), small::toString);
        String errText = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, errText.lines().filter(l -> l.contains("/small") && l.contains("queue full")).count(), errText);
        assertTrue(errText.contains(small.dropped() + " dropped"), errText);
        long distinctSmall = readAll("small", (int) small.delivered(), Duration.ofSeconds(30)).stream()
                .map(r -> Json.parseObject(r.value()).get("seq")).distinct().count();
        assertTrue(distinctSmall >= small.delivered() && distinctSmall <= small.accepted(),
                distinctSmall + " distinct records in the topic; " + small);
    }

    @Test
    void anUnreachableBrokerOrAMissingTopicIsAOneLineErrorBeforeStarting() throws Exception {
        int port = KafkaBroker.freePort();
        String unreachable = "kafka://127.0.0.1:" + port + "/exec";
        SinkSet sinks = Sinks.parse(List.of(unreachable), options(new ByteArrayOutputStream())
                .connectTimeout(Duration.ofSeconds(2)));
        long start = System.nanoTime();
        SinkException e = assertThrows(SinkException.class, sinks::start);
        assertEquals(unreachable + ": no Kafka broker answered at 127.0.0.1:" + port + " within 2000 ms", e.getMessage());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10));

        String missing = "kafka://" + broker.bootstrap() + "/nope";
        e = assertThrows(SinkException.class, () -> Sinks.parse(List.of(missing), options(new ByteArrayOutputStream()))
                .start());
        assertEquals(missing + ": the brokers at " + broker.bootstrap() + " have no topic 'nope': create it first "
                + "(the sink does not create topics)", e.getMessage());
    }

    @Test
    void aRecordTheBrokerRefusesIsCountedAsFailedWithOneWarning() throws Exception {
        broker.createTopic("limits", 1);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SinkSet sinks = Sinks.parse(List.of("kafka://" + broker.bootstrap() + "/limits?max.request.size=4000"),
                options(err));
        sinks.start();
        java.util.SequencedMap<String, Object> big = new java.util.LinkedHashMap<>();
        big.put("filename", "x".repeat(5000));
        for (int i = 0; i < 10; i++) {
            sinks.accept(i % 2 == 0 ? TestRecords.record(i) : SinkRecord.of("event", big, SinkRecord.NO_TIME, i));
        }
        sinks.close();
        SinkStats s = sinks.summary().sinks().getFirst();
        assertEquals(5, s.delivered(), s::toString);
        assertEquals(5, s.failed(), s::toString);
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.lines().filter(l -> l.startsWith("warning: kafka://") && l.contains("records failed")).count(),
                text);
        assertEquals(5, readAll("limits", 5, Duration.ofSeconds(20)).size());
    }

    /** Every record of the topic, from all partitions, until {@code count} have come or time is up. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int count, Duration timeout) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (all.size() < count && System.nanoTime() - deadline < 0) {
                consumer.poll(Duration.ofMillis(200)).forEach(all::add);
            }
            // A little longer: anything past the expected count (duplicates) shows up too.
            long more = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            while (System.nanoTime() - more < 0) {
                consumer.poll(Duration.ofMillis(100)).forEach(all::add);
            }
        }
        return all;
    }

    static SinkOptions options(ByteArrayOutputStream err) {
        return SinkOptions.defaults().err(new PrintStream(err, true, StandardCharsets.UTF_8))
                .statusInterval(null).connectTimeout(Duration.ofSeconds(3)).closeTimeout(Duration.ofSeconds(60));
    }
}
