package io.bpfring.sinks;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sink URIs and options, the stdout sink, the full policies and the live counters. */
class SinksTest {
    @Test
    void badUrisAreOneLineErrorsNamingTheSink() {
        String[][] cases = {
                {"kafak://h:1/t", "unknown sink 'kafak://h:1/t': use kafka://HOST:PORT/TOPIC"},
                {"kafka://broker/t", "kafka://broker/t: 'broker' is not HOST:PORT"},
                {"kafka://h:1,/t", "kafka://h:1,/t: '' is not HOST:PORT"},
                {"kafka://h:99999/t", "kafka://h:99999/t: port 99999 is not between 1 and 65535"},
                {"kafka://h:1", "kafka://h:1: no topic"},
                {"kafka://h:1/bad topic!", "kafka://h:1/bad topic!: 'bad topic!' is not a Kafka topic name"},
                {"kafka://h:1/..", "kafka://h:1/..: '..' is not a Kafka topic name"},
                {"kafka://h:1/t?lingr.ms=5", "kafka://h:1/t?lingr.ms=5: 'lingr.ms' is not a Kafka producer setting"},
                {"kafka://h:1/t?key.serializer=x", "kafka://h:1/t?key.serializer=x: key.serializer is set by the sink"},
                {"kafka://h:1/t?queue=0", "kafka://h:1/t?queue=0: queue is a number of records, at least 1"},
                {"kafka://h:1/t?on-full=wait", "kafka://h:1/t?on-full=wait: on-full is drop or block, not 'wait'"},
                {"kafka://h:1/t?linger.ms", "kafka://h:1/t?linger.ms: 'linger.ms' is not NAME=VALUE"},
                {"otlp://h:1/v1/logs", "otlp://h:1/v1/logs: an OTLP gRPC address takes no path"},
                {"otlp+http://h:x", "otlp+http://h:x: 'h:x' is not HOST or HOST:PORT"},
                {"otlp://h?timeout=never", "otlp://h?timeout=never: timeout is a time like 10s or 500ms"},
                {"otlp://h?compression=lz4", "otlp://h?compression=lz4: compression is gzip or none"},
                {"otlp://h?headers=a", "otlp://h?headers=a: unknown setting 'headers'"},
                {"jfr:", "jfr:: no file"},
                {"jfr:x.jfr?period=1", "jfr:x.jfr?period=1: unknown setting 'period'"},
                {"stdout:xml", "stdout:xml: stdout prints a table (stdout) or JSON lines (stdout:json)"},
                {"", "an empty --sink"},
        };
        for (String[] c : cases) {
            SinkException e = assertThrows(SinkException.class, () -> Sinks.parse(List.of(c[0]), SinkOptions.defaults()),
                    c[0]);
            assertTrue(e.getMessage().startsWith(c[1]), c[0] + " -> " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        SinkException twice = assertThrows(SinkException.class,
                () -> Sinks.parse(List.of("stdout", "jfr:a.jfr", "stdout"), SinkOptions.defaults()));
        assertEquals("--sink stdout is given twice", twice.getMessage());
    }

    @Test
    void goodUrisParse() {
        SinkSet set = Sinks.parse(List.of("stdout", "stdout:json", "kafka://a:9092,[::1]:9093/t.x-1?compression.type=zstd",
                "otlp://collector", "otlp+http://[::1]:4318/custom/logs?timeout=500ms&compression=gzip",
                "jfr:out.jfr?queue=5&on-full=block"), SinkOptions.defaults());
        assertEquals(List.of("stdout", "stdout:json", "kafka://a:9092,[::1]:9093/t.x-1?compression.type=zstd",
                "otlp://collector", "otlp+http://[::1]:4318/custom/logs?timeout=500ms&compression=gzip",
                "jfr:out.jfr?queue=5&on-full=block"), set.sinkStats().stream().map(SinkStats::sink).toList());
        assertEquals(5, set.sinkStats().getLast().capacity());
        assertEquals(65_536, set.sinkStats().getFirst().capacity());
        assertEquals(List.of("stdout"), Sinks.parse(List.of(), SinkOptions.defaults()).sinkStats().stream()
                .map(SinkStats::sink).toList());
    }

    @Test
    void metricsAddressesListenOnLoopbackUnlessTold() throws Exception {
        assertEquals(InetAddress.getLoopbackAddress(), SinkOptions.defaults().metrics("9464").metrics().getAddress());
        assertEquals(9464, SinkOptions.defaults().metrics("9464").metrics().getPort());
        assertEquals(InetAddress.getByName("0.0.0.0"), SinkOptions.defaults().metrics("0.0.0.0:9464").metrics().getAddress());
        assertEquals(InetAddress.getByName("::1"), SinkOptions.defaults().metrics("[::1]:9464").metrics().getAddress());
        for (String bad : List.of("", "x", "70000", ":9464", "-1")) {
            SinkException e = assertThrows(SinkException.class, () -> SinkOptions.defaults().metrics(bad), bad);
            assertTrue(e.getMessage().startsWith("--metrics"), e.getMessage());
        }
        assertEquals(OnFull.BLOCK, OnFull.parse("block"));
        assertEquals("--on-full takes drop or block, not 'wait'",
                assertThrows(SinkException.class, () -> OnFull.parse("wait")).getMessage());
    }

    @Test
    void stdoutPrintsJsonLinesAndTables() {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        ByteArrayOutputStream custom = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        run(List.of("stdout:json"), json, err, null);
        run(List.of("stdout"), table, err, null);
        run(List.of("stdout:table"), custom, err, new TableFormat() {
            @Override
            public String header(SinkRecord first) {
                return "PID      FILENAME";
            }

            @Override
            public String row(SinkRecord r) {
                return String.format("%-8d %s", r.key(), r.fields().get("filename"));
            }
        });
        List<String> jsonLines = json.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, jsonLines.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(new String(TestRecords.record(i).json(), StandardCharsets.UTF_8), jsonLines.get(i));
            assertEquals(TestRecords.record(i).fields(), Json.parseObject(jsonLines.get(i)));
        }
        List<String> rows = table.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(4, rows.size());
        assertTrue(rows.get(0).startsWith("SEQ       PID       COMM"), rows.get(0));
        assertTrue(rows.get(1).startsWith("0         1000      we\"ird\\\u0001é  /usr/bin/tool-0"), rows.get(1));
        assertTrue(rows.get(1).endsWith("[0,0,7]   {\"uid\":1000,\"name\":\"user0\"}"), rows.get(1));
        assertEquals(List.of("PID      FILENAME", "1000     /usr/bin/tool-0", "1001     /usr/bin/tool-1",
                "1002     /usr/bin/tool-2"), custom.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void aTableWithFixedColumnsPrintsItsHeaderWithoutAnyRecord() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SinkSet sinks = Sinks.parse(List.of("stdout"), SinkOptions.defaults().out(new PrintStream(out, false, StandardCharsets.UTF_8))
                .err(new PrintStream(err, true, StandardCharsets.UTF_8)).statusInterval(null).table(new TableFormat() {
                    @Override
                    public String header() {
                        return "PID      FILENAME";
                    }

                    @Override
                    public String row(SinkRecord r) {
                        return String.format("%-8d %s", r.key(), r.fields().get("filename"));
                    }
                }));
        sinks.start();
        sinks.close();
        assertEquals(List.of("PID      FILENAME"), out.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private static void run(List<String> uris, ByteArrayOutputStream out, ByteArrayOutputStream err, TableFormat table) {
        SinkSet sinks = Sinks.parse(uris, SinkOptions.defaults().out(new PrintStream(out, false, StandardCharsets.UTF_8))
                .err(new PrintStream(err, true, StandardCharsets.UTF_8)).statusInterval(null).table(table));
        sinks.start();
        for (int i = 0; i < 3; i++) {
            sinks.accept(TestRecords.record(i));
        }
        sinks.close();
    }

    @Test
    void blockMakesTheReaderWaitAndDropsNothing() throws Exception {
        BlockingOutput out = new BlockingOutput();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SinkSet sinks = Sinks.parse(List.of("stdout:json?queue=4"), SinkOptions.defaults().onFull(OnFull.BLOCK)
                .out(new PrintStream(out, false, StandardCharsets.UTF_8))
                .err(new PrintStream(err, true, StandardCharsets.UTF_8)).statusInterval(null));
        sinks.start();
        Thread reader = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 50; i++) {
                sinks.accept(TestRecords.record(i));
            }
        });
        assertTrue(out.stalled.await(10, TimeUnit.SECONDS));
        reader.join(300);
        assertTrue(reader.isAlive(), "the reader waits while the sink is stalled");
        assertEquals(0, sinks.sinkStats().getFirst().dropped());
        out.release.countDown();
        reader.join(10_000);
        assertFalse(reader.isAlive());
        sinks.close();
        SinkStats s = sinks.summary().sinks().getFirst();
        assertEquals(50, s.delivered(), s::toString);
        assertEquals(0, s.dropped());
        assertTrue(s.blockedNanos() >= TimeUnit.MILLISECONDS.toNanos(300), s::toString);
        assertEquals(50, out.text().lines().count());
    }

    @Test
    void closeGivesUpOnAStalledSinkAndCountsWhatIsLeftAsUnsent() throws Exception {
        BlockingOutput out = new BlockingOutput();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SinkSet sinks = Sinks.parse(List.of("stdout:json?queue=100"), SinkOptions.defaults()
                .out(new PrintStream(out, false, StandardCharsets.UTF_8)).closeTimeout(Duration.ofMillis(300))
                .err(new PrintStream(err, true, StandardCharsets.UTF_8)).statusInterval(null));
        sinks.start();
        sinks.accept(TestRecords.record(0));
        assertTrue(out.stalled.await(10, TimeUnit.SECONDS));
        for (int i = 1; i < 20; i++) {
            sinks.accept(TestRecords.record(i));
        }
        Thread releaser = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                return;
            }
            out.release.countDown();
        });
        long start = System.nanoTime();
        sinks.close();
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        releaser.join();
        SinkStats s = sinks.summary().sinks().getFirst();
        assertTrue(took < 2700, "close took " + took + " ms, waiting for the stuck write");
        assertEquals(20, s.accepted());
        assertEquals(20, s.unsent(), s::toString);
        assertEquals(0, s.delivered() + s.failed(), s::toString);
        Thread.sleep(200); // the stuck write ends now: what it writes is not counted twice
        assertEquals(s, sinks.sinkStats().getFirst());
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("0 delivered, 0 dropped, 0 failed, 20 unsent"));
    }

    @Test
    void liveCountersShowRateLagAndDropsOnLongRuns() throws Exception {
        BlockingOutput out = new BlockingOutput();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SinkSet sinks = Sinks.parse(List.of("stdout:json?queue=5"), SinkOptions.defaults()
                .out(new PrintStream(out, false, StandardCharsets.UTF_8))
                .err(new PrintStream(err, true, StandardCharsets.UTF_8)).statusInterval(Duration.ofMillis(200)));
        RingMeter ring = sinks.ring("events", 1 << 16, () -> 1 << 15);
        sinks.start();
        try {
            sinks.accept(TestRecords.record(0));
            assertTrue(out.stalled.await(10, TimeUnit.SECONDS)); // the sink's thread holds record 0
            for (int i = 1; i < 100; i++) {
                sinks.accept(TestRecords.record(i));
            }
            ring.lost(7);
            ring.dropped(4);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!err.toString(StandardCharsets.UTF_8).contains("100 in all; ring events: 50% full, 7 lost, 4 dropped")
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            out.release.countDown();
            sinks.close();
        }
        String status = err.toString(StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("status: ") && l.contains("100 in all; ring events: 50% full, 7 lost, 4 dropped")).findFirst()
                .orElseThrow(() -> new AssertionError(err.toString(StandardCharsets.UTF_8)));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("status: \\d+ records/s, 100 in all; ring events: "
                + "50% full, 7 lost, 4 dropped; stdout:json\\?queue=5: lag (\\d+), dropped (\\d+)").matcher(status);
        assertTrue(m.matches(), status);
        // What is not dropped waits: 5 in the queue, the rest in the stalled thread's batch.
        assertEquals(100, Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2)), status);
        assertTrue(Integer.parseInt(m.group(1)) > 5, status);
    }

    @Test
    void recordsOfJsonParseTheirFieldsOnlyWhenAsked() {
        byte[] json = "{\"pid\":7,\"comm\":\"sh\",\"big\":18446744073709551615,\"f\":1.5,\"a\":[1,\"x\",null],\"o\":{}}"
                .getBytes(StandardCharsets.UTF_8);
        SinkRecord r = SinkRecord.ofJson("event", json, SinkRecord.NO_TIME, 7);
        assertTrue(json == r.json());
        SequencedMap<String, Object> expected = new LinkedHashMap<>();
        expected.put("pid", 7L);
        expected.put("comm", "sh");
        expected.put("big", TestRecords.U64_MAX);
        expected.put("f", 1.5);
        expected.put("a", java.util.Arrays.asList(1L, "x", null));
        expected.put("o", new LinkedHashMap<>());
        assertEquals(expected, r.fields());
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(r.fields().keySet()));
        SinkRecord bad = SinkRecord.ofJson("event", "[1]".getBytes(StandardCharsets.UTF_8), SinkRecord.NO_TIME, 7);
        assertThrows(IllegalArgumentException.class, bad::fields);
    }

    @Test
    void jsonRoundTripsAndRefusesWhatIsNotJson() {
        for (int i = 0; i < 50; i++) {
            SinkRecord r = TestRecords.record(i);
            assertEquals(r.fields(), Json.parseObject(r.json()));
        }
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", Json.string("a\"b\\c\n\u0001"));
        assertEquals(-9223372036854775808L, Json.parse("-9223372036854775808"));
        assertEquals(new java.math.BigInteger("-9223372036854775809"), Json.parse("-9223372036854775809"));
        assertEquals("é\u0000", Json.parse("\"\\u00e9\\u0000\""));
        for (String bad : List.of("", "{", "{\"a\"}", "{\"a\":1,}", "[1 2]", "\"x", "tru", "1 2", "{\"a\":-}", "\"\\q\"",
                "[".repeat(100) + "]".repeat(100))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("bad JSON at character "), e.getMessage());
        }
    }
}
