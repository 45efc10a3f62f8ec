package io.bpfring.perf;

import io.bpfring.CorruptRingException;
import io.bpfring.internal.RecordViews;
import io.bpfring.ring.ControlledRecordHandler;
import io.bpfring.ring.RecordView;
import io.bpfring.sys.PerfEvent;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.function.LongConsumer;

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
 * start and is copied whole into a scratch buffer before delivery.
 *
 * <p>The positions and headers are untrusted. The positions are u64 counters, compared only by
 * their difference (so across 2^63 and 2^64): both must be 8-byte aligned, the head at most one
 * buffer ahead of the tail. A record's size must be a multiple of 8, hold its header and the
 * fields its type has (a sample's raw size, a lost record's count), and end by the head. Anything
 * else is a {@link CorruptRingException} naming the field and the position, thrown before the
 * record is delivered or anything outside the data area is read; the tail stays at the bad
 * record, and every later call reports the same corruption.
 *
 * <p>Not thread-safe: one consumer per buffer.
 */
public final class PerfRingConsumer {
    /** Offsets in {@code struct perf_event_mmap_page}. */
    static final long DATA_HEAD = PerfEvent.MmapPage.DATA_HEAD;
    static final long DATA_TAIL = PerfEvent.MmapPage.DATA_TAIL;
    /** Record types. */
    static final int PERF_RECORD_LOST = PerfEvent.RECORD_LOST;
    static final int PERF_RECORD_SAMPLE = PerfEvent.RECORD_SAMPLE;
    private static final int HEADER_SIZE = (int) PerfEvent.Header.LAYOUT.byteSize();
    /** A sample body starts with the u32 size of its raw data. */
    private static final int RAW_SIZE_FIELD = (int) (PerfEvent.RawSample.DATA - PerfEvent.RawSample.SIZE);
    /** The smallest sample: the header and the raw size, 8-aligned. */
    private static final int MIN_SAMPLE = 16;
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
    /** What made this consumer find the buffer corrupt: every later call reports it again. */
    private CorruptRingException corruption;
    /** Set by {@link #load}: the sample it pointed a view at, or null. */
    private RecordView sample;
    /** Set by {@link #load}: the count of the lost record it read, or -1. */
    private long lost;

    /**
     * @param meta the metadata page ({@code struct perf_event_mmap_page}), writable
     * @param data the data area that follows it: a power of 2 bytes, at least 8
     */
    public PerfRingConsumer(MemorySegment meta, MemorySegment data) {
        long size = data.byteSize();
        if (size < HEADER_SIZE || Long.bitCount(size) != 1) {
            throw new IllegalArgumentException("perf data area must be a power of 2 bytes, at least 8, got " + size);
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
     * @throws CorruptRingException if the buffer breaks the protocol, or broke it on an earlier
     *         call: once corrupt, a buffer is read no further, and each call says why
     */
    public int consume(PerfRecordHandler handler, long limit) {
        long tail = tail();
        long head = head(tail);
        int delivered = 0;
        while (tail != head && delivered < limit) {
            int recordSize = load(tail, head);
            boolean goOn = true;
            try {
                if (sample != null) {
                    goOn = handler.onSample(sample);
                    delivered++;
                } else if (lost >= 0) {
                    handler.onLost(lost);
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

    /**
     * Like {@link #consume}, with a handler that says of each sample whether it took it: an
     * aborted sample stays in the buffer (data_tail is left at it) and the next call delivers it
     * again; lost records go to {@code onLost}.
     *
     * @return the number of samples consumed (an aborted one is not)
     */
    public int consumeControlled(ControlledRecordHandler handler, LongConsumer onLost, long limit) {
        long tail = tail();
        long head = head(tail);
        int delivered = 0;
        while (tail != head && delivered < limit) {
            int recordSize = load(tail, head);
            ControlledRecordHandler.Action action = ControlledRecordHandler.Action.CONTINUE;
            try {
                if (sample != null) {
                    action = handler.onRecord(sample);
                } else if (lost >= 0) {
                    onLost.accept(lost);
                }
            } finally {
                if (action != ControlledRecordHandler.Action.ABORT) {
                    tail += recordSize;
                    // Barrier D, as in consume.
                    LONG.setRelease(meta, DATA_TAIL, tail);
                }
            }
            if (action == ControlledRecordHandler.Action.ABORT) {
                break;
            }
            if (sample != null) {
                delivered++;
            }
            if (action == ControlledRecordHandler.Action.BREAK) {
                break;
            }
        }
        return delivered;
    }

    /**
     * data_head, read with acquire semantics and checked against {@code tail}.
     *
     * @throws CorruptRingException if the buffer is, or was found, corrupt
     */
    private long head(long tail) {
        if (corruption != null) {
            throw new CorruptRingException(corruption.getMessage(), corruption);
        }
        // Pairs with the kernel's smp_wmb() before its store of data_head in perf_output_put_handle
        // (barriers B and C of kernel/events/ring_buffer.c): the records before the head are
        // written.
        long head = (long) LONG.getAcquire(meta, DATA_HEAD);
        if (((head | tail) & 7) != 0 || Long.compareUnsigned(head - tail, size) > 0) {
            throw found(badPositions(head, tail));
        }
        return head;
    }

    /**
     * Checks the record at {@code tail} and points {@link #sample} at it if it is a sample (null
     * otherwise), or sets {@link #lost} if it is a lost record (-1 otherwise). A record that
     * wraps is copied whole into the scratch buffer first.
     *
     * @return its size, to advance the tail by
     */
    private int load(long tail, long head) {
        long offset = tail & (size - 1);
        int type = data.get(JAVA_INT_UNALIGNED, offset);
        int recordSize = Short.toUnsignedInt(data.get(JAVA_SHORT_UNALIGNED, offset + PerfEvent.Header.SIZE));
        if (recordSize < HEADER_SIZE || (recordSize & 7) != 0 || recordSize > head - tail
                || type == PERF_RECORD_SAMPLE && recordSize < MIN_SAMPLE
                || type == PERF_RECORD_LOST && recordSize < LOST_OFFSET + 8) {
            throw found(badSize(tail, head, type, recordSize));
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
        sample = null;
        lost = -1;
        if (type == PERF_RECORD_SAMPLE) {
            int raw = source.get(JAVA_INT_UNALIGNED, at + HEADER_SIZE);
            if (raw < 0 || raw > recordSize - HEADER_SIZE - RAW_SIZE_FIELD) {
                throw found(new CorruptRingException("perf sample at data_tail " + Long.toUnsignedString(tail)
                        + ": raw size " + Integer.toUnsignedString(raw) + " does not fit its record of "
                        + recordSize + " bytes"));
            }
            VIEWS.point(view, at + HEADER_SIZE + RAW_SIZE_FIELD, raw, tail);
            sample = view;
        } else if (type == PERF_RECORD_LOST) {
            lost = source.get(JAVA_LONG_UNALIGNED, at + LOST_OFFSET);
        }
        return recordSize;
    }

    private CorruptRingException found(CorruptRingException e) {
        corruption = e;
        return e;
    }

    private CorruptRingException badPositions(long head, long tail) {
        String headText = "data_head " + Long.toUnsignedString(head);
        String tailText = "data_tail " + Long.toUnsignedString(tail);
        if ((tail & 7) != 0) {
            return new CorruptRingException("perf " + tailText + " is not 8-byte aligned, as every record is ("
                    + headText + ")");
        }
        if ((head & 7) != 0) {
            return new CorruptRingException("perf " + headText + " is not 8-byte aligned, as every record is ("
                    + tailText + ")");
        }
        return new CorruptRingException("perf " + headText + " and " + tailText + " are not within one buffer of "
                + size + " bytes");
    }

    private static CorruptRingException badSize(long tail, long head, int type, int recordSize) {
        String what = switch (type) {
            case PERF_RECORD_SAMPLE -> "sample";
            case PERF_RECORD_LOST -> "lost record";
            default -> "record of type " + type;
        };
        String why;
        if (recordSize > head - tail) {
            why = "runs past data_head " + Long.toUnsignedString(head);
        } else if ((recordSize & 7) != 0) {
            why = "is not a multiple of 8";
        } else if (recordSize < HEADER_SIZE) {
            why = "is smaller than its header";
        } else {
            why = "is too small for its fields";
        }
        return new CorruptRingException("perf " + what + " at data_tail " + Long.toUnsignedString(tail) + ": size "
                + recordSize + " " + why);
    }

    public long head() {
        // Pairs with the kernel's store of data_head after smp_wmb() in perf_output_put_handle.
        return (long) LONG.getAcquire(meta, DATA_HEAD);
    }

    public long tail() {
        // Pairs with this consumer's release of data_tail; only this consumer writes it.
        return (long) LONG.getAcquire(meta, DATA_TAIL);
    }

    /**
     * Bytes written and not yet read. Any thread may ask: the head is read first, so a consumer
     * that moves meanwhile cannot make the figure exceed the buffer; if it has passed the head
     * read, that is read again.
     *
     * @throws CorruptRingException if the positions are not aligned, or the tail is ahead of the
     *         head or more than a buffer behind it (without marking the buffer corrupt for the
     *         consumer, which finds it so itself)
     */
    public long availableBytes() {
        long head = head();
        long tail = tail();
        long available = head - tail;
        if (available < 0) {
            head = head(); // a consumer cannot pass this one
            available = head - tail;
            if (available > size) {
                available = size; // the consumer moved on after the tail was read: a guess
            }
        }
        if (((head | tail) & 7) != 0 || available < 0 || available > size) {
            throw badPositions(head, tail);
        }
        return available;
    }

    /** The data area's size in bytes. */
    public long size() {
        return size;
    }
}
