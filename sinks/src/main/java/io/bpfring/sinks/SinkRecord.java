package io.bpfring.sinks;

import java.util.SequencedMap;

/**
 * One decoded record, as every sink takes it: a type name, its fields in order, the same record
 * as one JSON object, and optionally the time it happened and a key (the process id).
 *
 * <p>A record is handed to sink threads, so it must hold its own data: copy out of the ring
 * before calling {@link SinkSet#accept}, never keep a view of ring memory. Methods may compute
 * lazily (the JSON sink never asks for {@link #fields()}, the Flight Recorder sink never asks for
 * {@link #json()}); they are called from one sink thread at a time, possibly several sinks at
 * once, so a lazy implementation publishes what it computes safely or computes it each time.
 *
 * <p>Field values are {@link Long} (or any integral {@link Number}), {@link java.math.BigInteger}
 * (an unsigned 64-bit or wider value that does not fit a long), {@link String}, {@link Boolean},
 * {@link Double}, {@link java.util.List} of values (an array) and {@link java.util.Map} of name
 * to value (a nested struct), or {@code null}.
 */
public interface SinkRecord {
    /** {@link #timeNanos()} of a record that carries no time of its own. */
    long NO_TIME = Long.MIN_VALUE;
    /** {@link #key()} of a record that has no key. */
    long NO_KEY = Long.MIN_VALUE;

    /** The record's type: the struct's name (e.g. {@code event}), or a tool's name for it. */
    String type();

    /** Field name to value, in the struct's order. */
    SequencedMap<String, Object> fields();

    /** The record as one JSON object in UTF-8, without a newline. */
    byte[] json();

    /** When the event happened, in nanoseconds since the epoch, or {@link #NO_TIME}. */
    default long timeNanos() {
        return NO_TIME;
    }

    /** The key that keeps related records in order (the process id), or {@link #NO_KEY}. */
    default long key() {
        return NO_KEY;
    }

    /**
     * A record of the given fields; its JSON is written from them when first asked for.
     *
     * @param timeNanos nanoseconds since the epoch, or {@link #NO_TIME}
     * @param key the process id or another key, or {@link #NO_KEY}
     */
    static SinkRecord of(String type, SequencedMap<String, Object> fields, long timeNanos, long key) {
        return new FieldRecord(type, fields, null, timeNanos, key);
    }

    /** A record of the given fields and their JSON, already written by the caller. */
    static SinkRecord of(String type, SequencedMap<String, Object> fields, byte[] json, long timeNanos, long key) {
        return new FieldRecord(type, fields, json, timeNanos, key);
    }

    /**
     * A record that is one JSON object (as a decoder writes it); its fields are parsed from the
     * JSON when first asked for, so sinks that only forward JSON cost no parsing.
     *
     * @throws IllegalArgumentException later, from {@link #fields()}, if the JSON is not an object
     */
    static SinkRecord ofJson(String type, byte[] json, long timeNanos, long key) {
        return new FieldRecord(type, null, json, timeNanos, key);
    }
}
