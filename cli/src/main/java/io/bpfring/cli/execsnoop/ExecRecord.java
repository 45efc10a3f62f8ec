package io.bpfring.cli.execsnoop;

import io.bpfring.cli.Json;
import io.bpfring.sinks.SinkRecord;
import io.bpfring.sinks.TableFormat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * An exec as the sinks take it: type {@code exec}, key the pid, the time it was read; its JSON
 * and fields (time, event, pid, comm, filename) are made on the sink's thread, when asked for.
 *
 * @param timeNanos when the event was read, in nanoseconds since the epoch
 */
record ExecRecord(ExecEvent event, long timeNanos) implements SinkRecord {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** execsnoop's own columns, as BCC's execsnoop prints them. */
    static final TableFormat TABLE = new TableFormat() {
        @Override
        public String header() {
            return String.format("%-8s %-5s %-7s %-16s %s", "TIME", "EVENT", "PID", "COMM", "FILENAME");
        }

        @Override
        public String row(SinkRecord record) {
            ExecRecord exec = (ExecRecord) record;
            ExecEvent e = exec.event();
            return String.format("%-8s %-5s %-7d %-16s %s", exec.time(), "EXEC", e.pid(), e.comm(), e.filename());
        }
    };

    /** An event read now. */
    static ExecRecord readNow(ExecEvent event) {
        Instant now = Instant.now();
        return new ExecRecord(event, now.getEpochSecond() * 1_000_000_000L + now.getNano());
    }

    /** The local time it was read, HH:mm:ss. */
    String time() {
        Instant at = Instant.ofEpochSecond(0, timeNanos);
        return LocalTime.ofInstant(at, ZoneId.systemDefault()).format(TIME);
    }

    @Override
    public String type() {
        return "exec";
    }

    @Override
    public SequencedMap<String, Object> fields() {
        SequencedMap<String, Object> fields = new LinkedHashMap<>();
        fields.put("time", time());
        fields.put("event", "EXEC");
        fields.put("pid", (long) event.pid());
        fields.put("comm", event.comm());
        fields.put("filename", event.filename());
        return fields;
    }

    @Override
    public byte[] json() {
        return ("{\"time\":\"" + time() + "\",\"event\":\"EXEC\",\"pid\":" + event.pid() + ",\"comm\":"
                + Json.string(event.comm()) + ",\"filename\":" + Json.string(event.filename()) + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public long key() {
        return event.pid();
    }
}
