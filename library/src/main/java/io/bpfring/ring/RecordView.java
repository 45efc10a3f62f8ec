package io.bpfring.ring;

import io.bpfring.internal.RecordViews;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * A zero-copy view of one record's payload, in place in the ring. One view is reused for every
 * record of a ring, so reading records allocates nothing; it is valid only inside the handler
 * call that received it. Reads are bounded by the record: an offset past its length is an
 * {@link IndexOutOfBoundsException}. Multi-byte reads use the native byte order, as BPF programs
 * write it.
 *
 * <p>The consumer writes the view's place for every record while producers, in a ring of Java
 * producers, read their own objects for every record; padding keeps the view off their cache
 * lines wherever it is allocated. (Allocated next to a ring's producer, unpadded, it made one
 * producer of 256-byte records 2.5-3x slower.)
 */
public final class RecordView extends RecordViewPlace {
    static {
        RecordViews.grant(new RecordViews.Access<RecordView>() {
            @Override
            public RecordView over(MemorySegment data) {
                return new RecordView(data);
            }

            @Override
            public void point(RecordView view, long offset, int length, long position) {
                view.set(offset, length, position);
            }
        });
    }

    /** 128 bytes after the place, as {@link RecordViewPadding} has before it. */
    private long q00, q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15;
    private final MemorySegment data;

    /** A view over records in {@code data}; consumers of a ring format point it at each record. */
    RecordView(MemorySegment data) {
        this.data = data;
    }

    /** Points the view at the record whose payload is {@code length} bytes at {@code offset}. */
    void set(long offset, int length, long position) {
        this.offset = offset;
        this.length = length;
        this.position = position;
    }

    /** The payload length in bytes. */
    public int length() {
        return length;
    }

    /**
     * Where the payload starts in {@link #data()}: with it, code that reads records in place by
     * offset (a decoder) reads this record without the allocation of {@link #segment()}.
     */
    public long offset() {
        return offset;
    }

    /**
     * The memory this view reads for every record (a ring's data area); this record is
     * {@code [offset(), offset() + length())} of it, and reading outside that is reading other
     * records.
     */
    public MemorySegment data() {
        return data;
    }

    /** The ring position of this record's header: the producer counter when it was written. */
    public long position() {
        return position;
    }

    public byte getByte(long at) {
        return data.get(JAVA_BYTE, offset + Objects.checkFromIndexSize(at, 1, length));
    }

    public short getShort(long at) {
        return data.get(JAVA_SHORT_UNALIGNED, offset + Objects.checkFromIndexSize(at, 2, length));
    }

    public int getInt(long at) {
        return data.get(JAVA_INT_UNALIGNED, offset + Objects.checkFromIndexSize(at, 4, length));
    }

    public long getLong(long at) {
        return data.get(JAVA_LONG_UNALIGNED, offset + Objects.checkFromIndexSize(at, 8, length));
    }

    /**
     * A NUL-terminated UTF-8 string of at most {@code maxBytes} bytes at {@code at}, as BPF's
     * {@code bpf_get_current_comm} and {@code bpf_probe_read_str} write them.
     */
    public String getString(long at, int maxBytes) {
        Objects.checkFromIndexSize(at, maxBytes, length);
        long start = offset + at;
        int n = 0;
        while (n < maxBytes && data.get(JAVA_BYTE, start + n) != 0) {
            n++;
        }
        byte[] bytes = new byte[n];
        MemorySegment.copy(data, JAVA_BYTE, start, bytes, 0, n);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The payload as a memory segment: no copy, valid only inside the handler call. */
    public MemorySegment segment() {
        return data.asSlice(offset, length);
    }

    /** Copies the payload out of the ring. */
    public byte[] toByteArray() {
        byte[] bytes = new byte[length];
        MemorySegment.copy(data, JAVA_BYTE, offset, bytes, 0, length);
        return bytes;
    }

    /** Copies the payload into {@code target} at {@code targetOffset}. */
    public void copyTo(MemorySegment target, long targetOffset) {
        MemorySegment.copy(data, offset, target, targetOffset, length);
    }
}
