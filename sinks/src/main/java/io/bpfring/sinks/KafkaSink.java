package io.bpfring.sinks;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * {@code kafka://HOST:PORT[,HOST:PORT...]/TOPIC}: each record a Kafka record, key the process id
 * (so one process's records stay in order in one partition), value the record's JSON, timestamp
 * the event's time where the record has one.
 *
 * <p>At least once: the producer is idempotent with {@code acks=all}, and it retries without a
 * deadline, so a broker that goes away and comes back loses nothing that was queued. While it is
 * away, the producer keeps what it had taken (within {@code buffer.memory}, 32 MiB) and makes
 * {@code send} wait on the sink's thread, so records wait in the sink's queue; when that is full
 * the sink's {@link OnFull} policy decides, and every drop is counted. Batching is tuned for small records: up to 5 ms of lingering, 64 KiB batches, lz4.
 * Any producer setting can be given in the URI's query ({@code ?compression.type=zstd}).
 */
final class KafkaSink extends Sink {
    /** Kafka's rule for topic names: these characters, 1 to 249 of them, neither "." nor "..". */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    /** Settings the sink relies on for its keys, values and counts: not to be overridden. */
    private static final Set<String> FIXED = Set.of(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);

    private final String servers;
    private final String topic;
    private final Map<String, String> settings;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong settled = new AtomicLong();
    private final Object settledLock = new Object();
    private KafkaProducer<byte[], byte[]> producer;

    KafkaSink(String name, String servers, String topic, Map<String, String> settings,
              OnFull onFull, int capacity, SinkOptions options) {
        super(name, onFull, capacity, options.err());
        if (servers.isEmpty()) {
            throw new SinkException(name + ": no broker address: kafka://HOST:PORT/TOPIC");
        }
        if (topic.isEmpty()) {
            throw new SinkException(name + ": no topic: kafka://HOST:PORT/TOPIC");
        }
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new SinkException(name + ": '" + topic + "' is not a Kafka topic name (letters, digits, "
                    + "'.', '_', '-'; at most 249)");
        }
        for (String key : settings.keySet()) {
            if (FIXED.contains(key)) {
                throw new SinkException(name + ": " + key + " is set by the sink and cannot be changed");
            }
            if (!ProducerConfig.configNames().contains(key)) {
                throw new SinkException(name + ": '" + key + "' is not a Kafka producer setting");
            }
        }
        this.servers = servers;
        this.topic = topic;
        this.settings = settings;
    }

    /** The producer's settings: the sink's defaults, then the URI's. */
    Map<String, Object> producerConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "bpfring");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
        // No deadline on delivery: a batch waits for the broker to come back rather than expire.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        // A full buffer makes send wait on the sink's thread, which lets the sink's queue fill
        // and its policy act; closing wakes it.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (long) Integer.MAX_VALUE);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.putAll(settings);
        return config;
    }

    @Override
    void open(SinkOptions options) {
        checkBrokerAndTopic(options.connectTimeout());
        try {
            producer = new KafkaProducer<>(producerConfig());
        } catch (RuntimeException e) {
            throw new SinkException(name + ": " + describe(e), e);
        }
        // The producer's first send waits for the topic's metadata, and records would pile up
        // in the queue meanwhile: fetch it now, before tracing starts.
        var metadata = java.util.concurrent.CompletableFuture.supplyAsync(() -> producer.partitionsFor(topic),
                task -> Thread.ofPlatform().daemon().name("bpfring-kafka-metadata").start(task));
        try {
            metadata.get(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException | InterruptedException e) {
            producer.close(Duration.ZERO); // wakes the fetch if it still waits
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new SinkException(name + ": the producer got no metadata for topic '" + topic + "' within "
                    + options.connectTimeout().toMillis() + " ms" + (e instanceof TimeoutException ? "" : reason(e)));
        }
    }

    /** Asks the brokers for the topic, so that a wrong address or topic stops a tool before it traces. */
    private void checkBrokerAndTopic(Duration timeout) {
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "bpfring-check");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        for (String key : settings.keySet()) {
            // Security settings (sasl., ssl., security.protocol) apply to the check as well.
            if (key.startsWith("sasl.") || key.startsWith("ssl.") || key.equals("security.protocol")) {
                config.put(key, settings.get(key));
            }
        }
        Admin admin;
        try {
            admin = Admin.create(config);
        } catch (RuntimeException e) {
            throw new SinkException(name + ": " + describe(e), e);
        }
        try {
            try {
                admin.describeCluster().nodes().get(ms, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                throw new SinkException(name + ": no Kafka broker answered at " + servers + " within "
                        + timeout.toMillis() + " ms" + reason(e));
            }
            try {
                TopicDescription topicInfo = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(ms, TimeUnit.MILLISECONDS).get(topic);
                if (topicInfo == null || topicInfo.partitions().isEmpty()) {
                    throw new SinkException(name + ": topic '" + topic + "' has no partitions");
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    throw new SinkException(name + ": the brokers at " + servers + " have no topic '" + topic
                            + "': create it first (the sink does not create topics)");
                }
                throw new SinkException(name + ": cannot look up topic '" + topic + "'" + reason(e));
            } catch (TimeoutException e) {
                throw new SinkException(name + ": the brokers at " + servers + " did not describe topic '"
                        + topic + "' within " + timeout.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkException(name + ": interrupted while connecting");
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    private static String reason(Exception e) {
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof TimeoutException || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return "";
        }
        return ": " + describe(cause);
    }

    @Override
    void write(List<SinkRecord> batch) throws InterruptedException {
        for (SinkRecord record : batch) {
            byte[] value = record.json();
            long key = record.key();
            byte[] keyBytes = key == SinkRecord.NO_KEY ? null : Long.toString(key).getBytes(StandardCharsets.US_ASCII);
            long time = record.timeNanos();
            Long timestamp = time == SinkRecord.NO_TIME ? null : Math.floorDiv(time, 1_000_000L);
            int size = value.length + (keyBytes == null ? 0 : keyBytes.length);
            sent.incrementAndGet();
            try {
                producer.send(new ProducerRecord<>(topic, null, timestamp, keyBytes, value), (metadata, error) -> {
                    if (error == null) {
                        delivered(1, size);
                    } else {
                        failed(1, error);
                    }
                    settle();
                });
            } catch (org.apache.kafka.common.errors.InterruptException e) {
                // Closing gave up while send waited for room in the producer's buffer: this
                // record and the rest of the batch never left, and are counted as unsent.
                settled.incrementAndGet();
                throw new InterruptedException("closing gave up");
            } catch (RuntimeException e) {
                settled.incrementAndGet();
                failed(1, e);
                continue;
            }
            handedOver(1);
        }
    }

    private void settle() {
        if (settled.incrementAndGet() == sent.get()) {
            synchronized (settledLock) {
                settledLock.notifyAll();
            }
        }
    }

    @Override
    long inFlight() {
        return Math.max(0, sent.get() - settled.get());
    }

    @Override
    void awaitInFlight(long deadline) throws InterruptedException {
        // Not producer.flush(): it waits for every batch without a deadline, forever if the broker is away.
        synchronized (settledLock) {
            long left;
            while (inFlight() > 0 && (left = deadline - System.nanoTime()) > 0) {
                TimeUnit.NANOSECONDS.timedWait(settledLock, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
        }
    }

    @Override
    void finish() {
        if (producer != null) {
            // Records still in flight now are counted as unsent when the close aborts them.
            producer.close(inFlight() > 0 ? Duration.ZERO : Duration.ofSeconds(5));
        }
    }
}
