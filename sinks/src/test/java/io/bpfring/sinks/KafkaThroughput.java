package io.bpfring.sinks;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.SequencedMap;
import java.util.concurrent.TimeUnit;

/**
 * Records per second into Kafka through the sink, with a broker on the same host: exec events
 * (pid, comm, filename; about 110 bytes of JSON) offered at fixed rates, then as fast as the
 * sink takes them with {@code --on-full block}. For each rate: what was offered, dropped,
 * delivered, the sink's lag when offering ended, and the delivered rate.
 *
 * <p>{@code java -cp ... io.bpfring.sinks.KafkaThroughput [SECONDS] [RATE...]} (default 5 s,
 * 100000 200000 400000 800000); {@code -Dsettings=compression.type=none&linger.ms=10} adds
 * producer settings to the sink's URI; {@code -Dbootstrap=HOST:PORT} uses a broker already
 * running instead of starting one; {@code -Dstatus=true} prints the live counters each second. See the module's README for the class path. This JVM starts
 * cold, as a tool does: the first rate measures a cold start.
 */
public final class KafkaThroughput {
    private KafkaThroughput() {
    }

    /** An exec event as a tool copies it out of the ring: its JSON is written on the sink's thread. */
    record Exec(long seq, int pid, String comm, String filename, long timeNanos) implements SinkRecord {
        @Override
        public String type() {
            return "event";
        }

        @Override
        public SequencedMap<String, Object> fields() {
            SequencedMap<String, Object> f = new LinkedHashMap<>();
            f.put("seq", seq);
            f.put("pid", (long) pid);
            f.put("comm", comm);
            f.put("filename", filename);
            return f;
        }

        @Override
        public byte[] json() {
            StringBuilder out = new StringBuilder(128).append("{\"seq\":").append(seq).append(",\"pid\":").append(pid)
                    .append(",\"comm\":");
            Json.string(comm, out);
            out.append(",\"filename\":");
            Json.string(filename, out);
            return out.append('}').toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public long key() {
            return pid;
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        long[] rates = args.length > 1
                ? java.util.Arrays.stream(args, 1, args.length).mapToLong(Long::parseLong).toArray()
                : new long[] {100_000, 200_000, 400_000, 800_000};
        String external = System.getProperty("bootstrap");
        if (external != null) {
            // A broker already running (and warm): this JVM alone starts cold, as a tool does.
            header();
            String run = Long.toString(System.currentTimeMillis(), 36);
            int n = 0;
            for (long rate : rates) {
                measure(external, "t" + run + "-" + n++, rate, seconds, OnFull.DROP);
            }
            measure(external, "t" + run + "-" + n, 0, seconds, OnFull.BLOCK);
            return;
        }
        Path dir = Files.createTempDirectory("kafka-throughput");
        try (KafkaBroker broker = KafkaBroker.start(dir)) {
            header();
            int run = 0;
            for (long rate : rates) {
                measure(broker.bootstrap(), "t" + run++, rate, seconds, OnFull.DROP);
            }
            measure(broker.bootstrap(), "t" + run, 0, seconds, OnFull.BLOCK);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void header() {
        System.out.printf("%-12s %10s %10s %10s %12s %14s %s%n",
                "rate", "offered", "dropped", "delivered", "lag at end", "delivered/s", "sink");
    }

    /** Offers records at {@code rate} per second (0: as fast as accepted) for {@code seconds}. */
    private static void measure(String bootstrap, String topic, long rate, int seconds, OnFull policy)
            throws Exception {
        KafkaBroker.createTopic(bootstrap, topic, 3);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String query = System.getProperty("settings", "");
        SinkSet sinks = Sinks.parse(java.util.List.of("kafka://" + bootstrap + "/" + topic
                        + (query.isEmpty() ? "" : "?" + query)),
                SinkOptions.defaults().onFull(policy).closeTimeout(Duration.ofSeconds(120))
                        .statusInterval(Boolean.getBoolean("status") ? Duration.ofSeconds(1) : null)
                        .err(Boolean.getBoolean("status") ? System.err : new PrintStream(err, true, StandardCharsets.UTF_8)));
        sinks.start();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long seq = 0;
        // Records come in bursts of 100, as a reader drains a ring; paced between bursts.
        while (System.nanoTime() < end) {
            for (int i = 0; i < 100; i++, seq++) {
                int pid = 1000 + (int) (seq % 97);
                sinks.accept(new Exec(seq, pid, "sh", "/usr/lib/x86_64-linux-gnu/tool-" + (seq % 1000), 0));
            }
            if (rate > 0) {
                long due = start + (long) (seq * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        }
        long offeredFor = System.nanoTime() - start;
        SinkStats atEnd = sinks.sinkStats().getFirst();
        sinks.awaitIdle(Duration.ofSeconds(120));
        long deliveredAt = System.nanoTime() - start;
        sinks.close();
        SinkStats s = sinks.summary().sinks().getFirst();
        System.out.printf(Locale.ROOT, "%-12s %10d %10d %10d %12d %14.0f offered %.0f/s in %.1f s; %s%n",
                rate == 0 ? "max (" + policy + ")" : Long.toString(rate), seq, s.dropped(), s.delivered(), atEnd.lag(),
                s.delivered() * 1e9 / deliveredAt, seq * 1e9 / offeredFor, offeredFor / 1e9,
                s.failed() + s.unsent() > 0 ? "failed " + s.failed() + ", unsent " + s.unsent() : "");
    }
}
