package io.bpfring.perf;

import io.bpfring.CorruptRingException;
import io.bpfring.internal.RecordViews;
import io.bpfring.ring.RecordView;
import io.bpfring.sys.PerfEvent;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * The consumer side of a perf event's mmap ring ({@code include/uapi/linux/perf_event.h}).
 *
 * <p>{@code data_head} is read with acquire semantics and {@code data_tail} published with release
 * semantics after each record. Records are {@code {u32 type; u16 misc; u16 size}} plus a body,
 * 8-aligned; the data area is mapped once, so a record that runs past its end continues at its
 * start and is copied whole into a scratch buffer before delivery. A size that runs past the head
 * is a {@link CorruptRingException}.
 *
 * <p>Not thread-safe: one consumer per buffer.
 */
public final class PerfRingConsumer {
    /** Offsets in {@code struct perf_event_mmap_page}. */
    private static final long DATA_HEAD = PerfEvent.MmapPage.DATA_HEAD;
    private static final long DATA_TAIL = PerfEvent.MmapPage.DATA_TAIL;
    /** Record types. */
    private static final int PERF_RECORD_LOST = 2;
    private static final int PERF_RECORD_SAMPLE = 9;
    private static final int HEADER_SIZE = (int) PerfEvent.Header.LAYOUT.byteSize();
    /** A sample body starts with the u32 size of its raw data. */
    private static final int RAW_SIZE_FIELD = (int) (PerfEvent.RawSample.DATA - PerfEvent.RawSample.SIZE);
    /** A lost record's body: u64 id, then u64 lost. */
    private static final int LOST_OFFSET = (int) PerfEvent.Lost.LOST;
    private static final int MAX_RECORD = 0xffff;
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final RecordViews.Access<RecordView> VIEWS = RecordViews.access(RecordView.class);

    private final MemorySegment meta;
    private final MemorySegment data;
    private final long size;
    private final MemorySegment scratch = MemorySegment.ofArray(new byte[MAX_RECORD]);
    private final RecordView inPlace;
    private final RecordView copied;

    /**
     * @param meta the metadata page ({@code struct perf_event_mmap_page}), writable
     * @param data the data area that follows it: a power of 2 bytes
     */
    public PerfRingConsumer(MemorySegment meta, MemorySegment data) {
        long size = data.byteSize();
        if (size <= 0 || Long.bitCount(size) != 1) {
            throw new IllegalArgumentException("perf data area must be a power of 2 bytes, got " + size);
        }
        this.meta = meta;
        this.data = data;
        this.size = size;
        this.inPlace = VIEWS.over(data);
        this.copied = VIEWS.over(scratch);
    }

    /**
     * Delivers records until the buffer is empty, {@code limit} samples were delivered, or the
     * handler asks to stop. Lost records are reported as they come and do not count.
     *
     * @return the number of samples delivered
     */
    public int consume(PerfRecordHandler handler, long limit) {
        // Pairs with the kernel's smp_wmb() before its store of data_head in perf_output_put_handle
        // (barriers B and C of kernel/events/ring_buffer.c): the records before the head are
        // written.
        long head = (long) LONG.getAcquire(meta, DATA_HEAD);
        long tail = tail();
        if (head - tail > size || head - tail < 0) {
            throw new CorruptRingException("perf head " + head + " and tail " + tail
                    + " are not within one buffer of " + size + " bytes");
        }
        int delivered = 0;
        while (tail < head && delivered < limit) {
            long offset = tail & (size - 1);
            int type = data.get(JAVA_INT_UNALIGNED, offset);
            int recordSize = Short.toUnsignedInt(data.get(JAVA_SHORT_UNALIGNED, offset + PerfEvent.Header.SIZE));
            if (recordSize < HEADER_SIZE || recordSize > head - tail) {
                throw new CorruptRingException("perf record at " + tail + " claims " + recordSize
                        + " bytes; " + (head - tail) + " are there");
            }
            MemorySegment source = data;
            RecordView view = inPlace;
            long at = offset;
            if (offset + recordSize > size) {
                long first = size - offset;
                MemorySegment.copy(data, offset, scratch, 0, first);
                MemorySegment.copy(data, 0, scratch, first, recordSize - first);
                source = scratch;
                view = copied;
                at = 0;
            }
            int raw = -1;
            if (type == PERF_RECORD_SAMPLE) {
                raw = source.get(JAVA_INT_UNALIGNED, at + HEADER_SIZE);
                if (raw < 0 || raw > recordSize - HEADER_SIZE - RAW_SIZE_FIELD) {
                    throw new CorruptRingException("perf sample at " + tail + " claims " + raw
                            + " raw bytes in a " + recordSize + "-byte record");
                }
            }
            boolean goOn = true;
            try {
                if (raw >= 0) {
                    VIEWS.point(view, at + HEADER_SIZE + RAW_SIZE_FIELD, raw, tail);
                    goOn = handler.onSample(view);
                    delivered++;
                } else if (type == PERF_RECORD_LOST && recordSize >= LOST_OFFSET + 8) {
                    handler.onLost(source.get(JAVA_LONG_UNALIGNED, at + LOST_OFFSET));
                }
            } finally {
                // A record the handler threw on counts as consumed, as in the ring buffer.
                tail += recordSize;
                // Barrier D: pairs with the kernel's load of data_tail and smp_mb() in
                // perf_output_begin (A): the record is read before the kernel may write over it.
                LONG.setRelease(meta, DATA_TAIL, tail);
            }
            if (!goOn) {
                break;
            }
        }
        return delivered;
    }

    public long head() {
        // Pairs with the kernel's store of data_head after smp_wmb() in perf_output_put_handle.
        return (long) LONG.getAcquire(meta, DATA_HEAD);
    }

    public long tail() {
        // Pairs with this consumer's release of data_tail; only this consumer writes it.
        return (long) LONG.getAcquire(meta, DATA_TAIL);
    }

    /** The data area's size in bytes. */
    public long size() {
        return size;
    }
}
