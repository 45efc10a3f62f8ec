package io.bpfring.sinks;

import java.util.Objects;
import java.util.SequencedMap;

/**
 * The record of {@link SinkRecord#of} and {@link SinkRecord#ofJson}: whichever of fields and JSON
 * was not given is made from the other on first use. Both are final once made; the fields are
 * parsed or the JSON written again if two threads race for them, which is harmless.
 */
final class FieldRecord implements SinkRecord {
    private final String type;
    private final long timeNanos;
    private final long key;
    private volatile SequencedMap<String, Object> fields;
    private volatile byte[] json;

    FieldRecord(String type, SequencedMap<String, Object> fields, byte[] json, long timeNanos, long key) {
        this.type = Objects.requireNonNull(type, "type");
        if (fields == null && json == null) {
            throw new IllegalArgumentException("a record needs its fields or its JSON");
        }
        this.fields = fields;
        this.json = json;
        this.timeNanos = timeNanos;
        this.key = key;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public SequencedMap<String, Object> fields() {
        SequencedMap<String, Object> f = fields;
        if (f == null) {
            fields = f = Json.parseObject(json);
        }
        return f;
    }

    @Override
    public byte[] json() {
        byte[] j = json;
        if (j == null) {
            json = j = Json.bytes(fields);
        }
        return j;
    }

    @Override
    public long timeNanos() {
        return timeNanos;
    }

    @Override
    public long key() {
        return key;
    }

    @Override
    public String toString() {
        return type + " " + new String(json(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
