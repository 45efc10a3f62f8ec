package io.bpfring;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A caller's buffer that {@link EventReader#readInto} copies records into, one after another:
 * it grows to fit the largest record read, and once it has, reading allocates nothing. The
 * payload is {@code array()[0, length())}; the array changes only when the buffer grows.
 *
 * <p>Not thread-safe: one reading thread fills it and reads it.
 */
public final class RecordBuffer {
    private static final byte[] EMPTY = new byte[0];

    private byte[] bytes;
    private int length;
    private long position;
    private int source;

    /** An empty buffer that grows to the size of the first record. */
    public RecordBuffer() {
        this.bytes = EMPTY;
    }

    /** A buffer that takes records of up to {@code capacity} bytes without growing. */
    public RecordBuffer(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative, got " + capacity);
        }
        this.bytes = new byte[capacity];
    }

    /**
     * Copies a record into the buffer: {@code length} bytes at {@code offset} of {@code from}.
     * Readers call it; so may a caller that fills buffers of its own.
     */
    public void fill(int source, long position, MemorySegment from, long offset, int length) {
        if (length > bytes.length) {
            bytes = new byte[Math.max(length, (int) Math.min(Integer.MAX_VALUE - 8, 2L * bytes.length))];
        }
        MemorySegment.copy(from, JAVA_BYTE, offset, bytes, 0, length);
        this.length = length;
        this.position = position;
        this.source = source;
    }

    /** The array the payload is in, from index 0; longer than {@link #length()} when the buffer held a larger record. */
    public byte[] array() {
        return bytes;
    }

    /** The payload's length in bytes. */
    public int length() {
        return length;
    }

    /** The record's position in its buffer; see {@link Record#position()}. */
    public long position() {
        return position;
    }

    /** Where the record came from; see {@link Record#source()}. */
    public int source() {
        return source;
    }

    /** The record, its payload copied. */
    public Record toRecord() {
        return new Record(source, position, Arrays.copyOf(bytes, length));
    }

    /**
     * The record, taking the array when it is the payload's exact size: for a buffer used once,
     * which needs it no more.
     */
    Record take() {
        Record record = bytes.length == length ? new Record(source, position, bytes) : toRecord();
        bytes = EMPTY;
        length = 0;
        return record;
    }
}
