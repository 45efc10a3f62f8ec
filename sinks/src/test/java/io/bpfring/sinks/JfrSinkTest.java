package io.bpfring.sinks;

import jdk.jfr.EventType;
import jdk.jfr.ValueDescriptor;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Flight Recorder sink: the recording read back with the JDK's own reader. */
class JfrSinkTest {
    @TempDir
    Path dir;

    @Test
    void eachRecordIsAnEventWithOneFieldPerRecordFieldAndStatisticsFollow() throws Exception {
        Path file = dir.resolve("trace.jfr");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        SinkSet sinks = Sinks.parse(List.of("jfr:" + file), options(err));
        RingMeter ring = sinks.ring("events", 1 << 20, () -> 4096);
        sinks.start();
        int n = 500;
        for (int i = 0; i < n; i++) {
            SinkRecord r = TestRecords.record(i);
            ring.record(r.json().length);
            sinks.accept(r);
        }
        // A second type, whose field names clash with Flight Recorder's own or are not identifiers.
        SequencedMap<String, Object> odd = new LinkedHashMap<>();
        odd.put("duration", 42L);
        odd.put("1st", "x");
        odd.put("a-b", true);
        sinks.accept(SinkRecord.of("struct odd", odd, SinkRecord.NO_TIME, SinkRecord.NO_KEY));
        ring.lost(3);
        ring.dropped(2);
        sinks.close();
        assertEquals(n + 1, sinks.summary().sinks().getFirst().delivered());

        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        List<RecordedEvent> records = events.stream().filter(e -> e.getEventType().getName().equals("bpfring.event"))
                .sorted(Comparator.comparingLong(e -> e.getLong("seq"))).toList();
        assertEquals(n, records.size());
        EventType type = records.getFirst().getEventType();
        assertEquals("event", type.getLabel());
        assertEquals(List.of("bpfring", "Records"), type.getCategoryNames());
        Map<String, String> labels = new LinkedHashMap<>();
        for (ValueDescriptor field : type.getFields()) {
            labels.put(field.getName(), field.getLabel());
        }
        assertEquals("cred.uid", labels.get("cred_uid"));
        assertEquals("comm", labels.get("comm"));
        for (int i = 0; i < n; i++) {
            RecordedEvent e = records.get(i);
            SinkRecord sent = TestRecords.record(i);
            Map<String, Object> f = sent.fields();
            assertEquals(f.get("seq"), e.getLong("seq"));
            assertEquals(f.get("pid"), e.getLong("pid"));
            assertEquals(f.get("comm"), e.getString("comm"));
            assertEquals(f.get("filename"), e.getString("filename"));
            assertEquals(f.get("ok"), e.getBoolean("ok"));
            assertEquals(f.get("ratio"), e.getDouble("ratio"));
            assertEquals(((BigInteger) f.get("cookie")).longValue(), e.getLong("cookie"), "a u64's 64 bits");
            assertEquals("[" + i + "," + -i + ",7]", e.getString("args"));
            @SuppressWarnings("unchecked")
            Map<String, Object> cred = (Map<String, Object>) f.get("cred");
            assertEquals(cred.get("uid"), e.getLong("cred_uid"));
            assertEquals(cred.get("name"), e.getString("cred_name"));
            assertEquals(Instant.ofEpochMilli(sent.timeNanos() / 1_000_000), e.getInstant(JfrTypes.TIME_FIELD));
        }

        RecordedEvent oddEvent = events.stream().filter(e -> e.getEventType().getName().equals("bpfring.odd"))
                .findFirst().orElseThrow();
        assertEquals("struct odd", oddEvent.getEventType().getLabel());
        assertEquals(42L, oddEvent.getLong("duration_2"));
        assertEquals("duration", oddEvent.getEventType().getField("duration_2").getLabel());
        assertEquals("x", oddEvent.getString("_1st"));
        assertTrue(oddEvent.getBoolean("a_b"));

        // bpfring's own events: the last ones carry the final counts.
        RecordedEvent sinkStats = last(events, "bpfring.SinkStatistics");
        assertEquals("jfr:" + file, sinkStats.getString("sink"));
        assertEquals(n + 1, sinkStats.getLong("accepted"));
        assertEquals(n + 1, sinkStats.getLong("delivered"));
        assertEquals(0, sinkStats.getLong("dropped"));
        RecordedEvent ringStats = last(events, "bpfring.RingStatistics");
        assertEquals("events", ringStats.getString("ring"));
        assertEquals(n, ringStats.getLong("records"));
        assertEquals(3, ringStats.getLong("lost"));
        assertEquals(2, ringStats.getLong("dropped"));
        assertEquals(4096, ringStats.getLong("available"));
        assertEquals(4096.0 / (1 << 20), ringStats.getDouble("fill"), 1e-9);
    }

    private static RecordedEvent last(List<RecordedEvent> events, String name) {
        RecordedEvent found = events.stream().filter(e -> e.getEventType().getName().equals(name))
                .max(Comparator.comparing(RecordedEvent::getStartTime)).orElse(null);
        assertNotNull(found, "no " + name + " event");
        return found;
    }

    @Test
    void aFileThatCannotBeWrittenIsAOneLineErrorBeforeStarting() {
        for (String uri : List.of("jfr:" + dir.resolve("no/such/dir/x.jfr"), "jfr:" + dir)) {
            SinkSet sinks = Sinks.parse(List.of(uri), options(new ByteArrayOutputStream()));
            SinkException e = assertThrows(SinkException.class, sinks::start);
            assertTrue(e.getMessage().startsWith(uri + ": "), e.getMessage());
        }
    }

    static SinkOptions options(ByteArrayOutputStream err) {
        return SinkOptions.defaults().err(new PrintStream(err, true, StandardCharsets.UTF_8))
                .statusInterval(null).closeTimeout(Duration.ofSeconds(30));
    }
}
