package io.bpfring.ring;

import io.bpfring.CorruptRingException;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static io.bpfring.ring.RingLayout.BUSY_BIT;
import static io.bpfring.ring.RingLayout.DISCARD_BIT;
import static io.bpfring.ring.RingLayout.HEADER_SIZE;
import static io.bpfring.ring.RingLayout.LENGTH_MASK;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The consumer side of the BPF ring buffer protocol over memory it is given.
 *
 * <p>It reads the producer position with acquire semantics, then each record header with acquire
 * semantics; it stops at the first record still BUSY (so a later record is never delivered before
 * an earlier one), skips DISCARD records, and publishes the consumer position with release
 * semantics after every record so producers regain the space at once. A header whose length runs
 * past the producer position or the ring is reported as {@link CorruptRingException} before
 * anything outside the record is read.
 *
 * <p>A {@linkplain #reclaiming reclaiming} consumer also returns the space of every record it has
 * consumed to the {@link RingLayout#UNCLAIMED} state before it publishes its position, the way
 * agrona's ring zeroes what it has read, and publishes it at the end of a batch and every
 * sixteenth of the ring within one. Producers may then claim space before they write a header,
 * and the consumer finds records by their headers alone: it reads the producers' cache line once
 * per quarter ring, to check its own position, and checks each length against the largest record
 * the ring holds.
 *
 * <p>Not thread-safe: one consumer per ring, as the protocol requires.
 */
public final class RingConsumer {
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final MemorySegment UNCLAIMED_PAGE = MemorySegment.ofArray(new byte[4096]).fill(RingLayout.UNCLAIMED);

    private final MemorySegment consumerPos;
    private final MemorySegment producerPos;
    private final MemorySegment data;
    private final long size;
    private final long mask;
    private final RecordView view;
    private final boolean reclaims;
    /** The producer position as last read: records before it have their headers written. */
    private long knownProducer;
    /** Where a reclaiming consumer last checked its position against the producer position. */
    private long checkedAt;

    /**
     * @param consumerPos the consumer position (u64 at offset 0), writable
     * @param producerPos the producer position (u64 at offset 0)
     * @param data        the data area mapped twice back to back, {@code 2 * size} bytes, so a
     *                    record that wraps is contiguous
     * @param size        the ring's data size: a power of 2
     */
    public RingConsumer(MemorySegment consumerPos, MemorySegment producerPos, MemorySegment data, long size) {
        this(consumerPos, producerPos, data, size, false);
    }

    /**
     * A consumer that reclaims what it consumes, for a ring whose unclaimed space holds
     * {@link RingLayout#UNCLAIMED} (the whole data area, when the ring is new) and whose data
     * area it may write. Its producers may claim space before writing a header.
     */
    public static RingConsumer reclaiming(MemorySegment consumerPos, MemorySegment producerPos, MemorySegment data,
                                          long size) {
        return new RingConsumer(consumerPos, producerPos, data, size, true);
    }

    private RingConsumer(MemorySegment consumerPos, MemorySegment producerPos, MemorySegment data, long size,
                         boolean reclaims) {
        if (size <= 0 || Long.bitCount(size) != 1) {
            throw new IllegalArgumentException("ring size must be a power of 2, got " + size);
        }
        if (data.byteSize() < 2 * size) {
            throw new IllegalArgumentException("the data area must be mapped twice: need " + 2 * size
                    + " bytes, got " + data.byteSize());
        }
        this.consumerPos = consumerPos;
        this.producerPos = producerPos;
        this.data = data;
        this.size = size;
        this.mask = size - 1;
        this.view = new RecordView(data);
        this.reclaims = reclaims;
    }

    /**
     * Delivers committed records to {@code handler} until the ring is empty, a record is still
     * being written, {@code limit} records were delivered, or the handler asks to stop.
     * If the handler throws, its record counts as consumed and the exception propagates.
     *
     * @return the number of records delivered
     */
    public int consume(RecordHandler handler, long limit) {
        return reclaims ? consumeReclaiming(handler, limit) : consumeBehindProducer(handler, limit);
    }

    // Both loops keep what they use in locals, not fields: the acquire read of each header makes
    // the compiler read fields again after it, record after record. One loop per mode, so that
    // neither carries the other's branches.

    /** The kernel's way: headers before the producer position only, the position published per record. */
    private int consumeBehindProducer(RecordHandler handler, long limit) {
        MemorySegment data = this.data;
        RecordView view = this.view;
        long mask = this.mask;
        long cons = consumerPosition();
        int delivered = 0;
        while (delivered < limit && mayHoldRecord(cons)) {
            long offset = cons & mask;
            // Pairs with the producer's store of the header without BUSY: the kernel's
            // xchg(&hdr->len) in bpf_ringbuf_commit, or RingProducer.finish. The payload written
            // before it is visible after it.
            int header = (int) INT.getAcquire(data, offset);
            if ((header & BUSY_BIT) != 0) {
                break;
            }
            int length = header & LENGTH_MASK;
            long span = RingLayout.span(length);
            checkWithinProducer(cons, length, span);
            long record = cons;
            cons += span;
            if ((header & DISCARD_BIT) != 0) {
                // Pairs with the producer's smp_load_acquire(&rb->consumer_pos) in
                // __bpf_ringbuf_reserve (or RingProducer.refreshRoom): the record is read before
                // its space is given back.
                LONG.setRelease(consumerPos, 0L, cons);
                continue;
            }
            view.set(offset + HEADER_SIZE, length, record);
            delivered++;
            boolean goOn;
            try {
                goOn = handler.onRecord(view);
            } finally {
                // Pairs with the producer's smp_load_acquire(&rb->consumer_pos) in
                // __bpf_ringbuf_reserve (or RingProducer.refreshRoom): the record is read before
                // its space is given back.
                LONG.setRelease(consumerPos, 0L, cons);
            }
            if (!goOn) {
                break;
            }
        }
        return delivered;
    }

    /**
     * In reclaimed space: headers alone say where records are (an unclaimed one reads BUSY), each
     * length is checked against the largest record the ring holds, and the batch is reclaimed
     * and published at its end, and every sixteenth of the ring on the way: a batch can be a
     * whole ring, and producers waiting on a full one would otherwise idle until it ends. (Two
     * producers of 16-byte records on two cores ran about a quarter slower that way.)
     */
    private int consumeReclaiming(RecordHandler handler, long limit) {
        long start = consumerPosition();
        if (start - checkedAt >= size / 4) {
            producerPosition(start);
            checkedAt = start;
        }
        MemorySegment data = this.data;
        RecordView view = this.view;
        long mask = this.mask;
        int maxLength = RingLayout.maxLength(size);
        long publishEvery = size / 16;
        long cons = start;
        int delivered = 0;
        try {
            while (delivered < limit) {
                if (cons - start >= publishEvery) {
                    release(start, cons);
                    start = cons;
                }
                long offset = cons & mask;
                // Pairs with the producer's store of the header without BUSY: the kernel's
                // xchg(&hdr->len) in bpf_ringbuf_commit, or RingProducer.finish. The payload
                // written before it is visible after it. In reclaimed space the header is the only
                // sign of a record: the claim may have moved the producer position long before.
                int header = (int) INT.getAcquire(data, offset);
                if ((header & BUSY_BIT) != 0) {
                    break;
                }
                int length = header & LENGTH_MASK;
                if (length > maxLength) {
                    throw new CorruptRingException("record at position " + cons + " claims " + length
                            + " bytes, more than the ring holds");
                }
                long record = cons;
                cons += RingLayout.span(length);
                if ((header & DISCARD_BIT) == 0) {
                    view.set(offset + HEADER_SIZE, length, record);
                    delivered++;
                    if (!handler.onRecord(view)) {
                        break;
                    }
                }
            }
        } finally {
            if (cons != start) {
                release(start, cons);
            }
        }
        return delivered;
    }

    /** Hands the space of consumed records from {@code from} to {@code to} back to producers. */
    private void release(long from, long to) {
        reclaim(from, to);
        // Pairs with the producers' acquire of the consumer position (RingProducer.refreshRoom; the
        // kernel's __bpf_ringbuf_reserve): the space is read and reclaimed before producers may
        // claim it.
        LONG.setRelease(consumerPos, 0L, to);
    }

    /** Whether a header at {@code cons} may be read: only before the producer position. */
    private boolean mayHoldRecord(long cons) {
        return cons - knownProducer < 0 || (knownProducer = producerPosition(cons)) != cons;
    }

    /**
     * A header is untrusted: its record must end within what producers reserved, so that nothing
     * outside the ring is ever read.
     */
    private void checkWithinProducer(long cons, int length, long span) {
        if (span > knownProducer - cons && span > (knownProducer = producerPosition(cons)) - cons) {
            throw new CorruptRingException("record at position " + cons + " claims " + length
                    + " bytes, past the producer position " + knownProducer);
        }
    }

    /**
     * Returns the space from position {@code from} to {@code to} to {@link RingLayout#UNCLAIMED}.
     * What wraps is written at the start of the first mapping, not past its end: headers are
     * written and read there, and CPUs that find lines in L1 by virtual address (AMD's) miss
     * every time a line is reached through the other of its two addresses.
     */
    private void reclaim(long from, long to) {
        long offset = from & mask;
        long first = Math.min(to - from, size - offset);
        fill(offset, first);
        fill(0, to - from - first);
    }

    /**
     * Fills {@code length} bytes from {@code offset} with {@link RingLayout#UNCLAIMED}, copying
     * from a page of them: filling a slice allocates the slice whenever the JIT does not inline
     * the fill.
     */
    private void fill(long offset, long length) {
        long page = UNCLAIMED_PAGE.byteSize();
        for (long done = 0; done < length; done += page) {
            MemorySegment.copy(UNCLAIMED_PAGE, 0, data, offset + done, Math.min(page, length - done));
        }
    }

    /** The producer position, read with acquire semantics and checked against {@code cons}. */
    private long producerPosition(long cons) {
        // Pairs with smp_store_release(&rb->producer_pos) in __bpf_ringbuf_reserve (or
        // RingProducer's reserve): the BUSY headers of the records before it are written.
        long prod = (long) LONG.getAcquire(producerPos, 0L);
        checkPositions(cons, prod);
        return prod;
    }

    private void checkPositions(long cons, long prod) {
        if (prod - cons > size || prod - cons < 0) {
            throw new CorruptRingException("producer position " + prod + " and consumer position " + cons
                    + " are not within one ring of " + size + " bytes");
        }
    }

    /**
     * Whether a committed record waits at the consumer position, looked at after a full fence.
     * A consumer calls this after it has published its position and before it goes to sleep:
     * the fence orders that store before these loads, so either this sees the producer's commit,
     * or the producer sees the published position and sends a wake-up. Without it both sides can
     * read stale positions and a record waits with no wake-up.
     */
    public boolean hasCommittedRecord() {
        // Pairs with the full barrier of the kernel's xchg(&hdr->len) in bpf_ringbuf_commit, which
        // comes before its smp_load_acquire(&rb->consumer_pos): either this sees the commit, or the
        // kernel sees the published position and wakes the consumer.
        VarHandle.fullFence();
        long cons = consumerPosition();
        // Pairs with smp_store_release(&rb->producer_pos) in __bpf_ringbuf_reserve (or
        // RingProducer's reserve): the BUSY headers of the records before it are written.
        long prod = (long) LONG.getAcquire(producerPos, 0L);
        if (cons == prod) {
            return false;
        }
        // Pairs with the producer's store of the header without BUSY: the kernel's xchg(&hdr->len)
        // in bpf_ringbuf_commit, or RingProducer.finish. The payload written before it is visible
        // after it.
        int header = (int) INT.getAcquire(data, cons & mask);
        return (header & BUSY_BIT) == 0;
    }

    /**
     * The producer id in the header of the record at the consumer position (its second word) if
     * that record is still reserved, or 0. Meaningful for rings of user-space producers, which
     * write their id there; the kernel writes a page offset.
     */
    public int reservedBy() {
        long cons = consumerPosition();
        // Pairs with the locking producer's release of the producer position
        // (RingProducer.reserveLocked), after it wrote the header with its id.
        if (cons == (long) LONG.getAcquire(producerPos, 0L)) {
            return 0;
        }
        long offset = cons & mask;
        // Pairs with the producer's store of the header without BUSY: the kernel's xchg(&hdr->len)
        // in bpf_ringbuf_commit, or RingProducer.finish. The payload written before it is visible
        // after it.
        int header = (int) INT.getAcquire(data, offset);
        return (header & BUSY_BIT) != 0 ? data.get(JAVA_INT, offset + 4) : 0;
    }

    /**
     * Turns the record at the consumer position, reserved by {@code producerId} that will never
     * commit it (it is gone), into a discarded one, so the records after it flow again. Needs a
     * writable data area: for rings of user-space producers only.
     *
     * @return whether it did (false when the producer committed it meanwhile)
     */
    public boolean discardAbandoned(int producerId) {
        long offset = consumerPosition() & mask;
        // Pairs with the producer's commit (RingProducer.finish); the compare-and-set below races
        // it, and exactly one of the two changes the header.
        int header = (int) INT.getAcquire(data, offset);
        return (header & BUSY_BIT) != 0 && data.get(JAVA_INT, offset + 4) == producerId
                && INT.compareAndSet(data, offset, header, (header & ~BUSY_BIT) | DISCARD_BIT);
    }

    public long consumerPosition() {
        // Pairs with this consumer's release of its position: another thread may ask for it. The
        // kernel's producer reads the same word with smp_load_acquire.
        return (long) LONG.getAcquire(consumerPos, 0L);
    }

    public long producerPosition() {
        // Pairs with smp_store_release(&rb->producer_pos) in __bpf_ringbuf_reserve (or
        // RingProducer's reserve).
        return (long) LONG.getAcquire(producerPos, 0L);
    }

    /** Bytes reserved by producers and not yet consumed, headers included. */
    public long availableBytes() {
        long cons = consumerPosition();
        return producerPosition() - cons;
    }

    /** The ring's data size in bytes. */
    public long size() {
        return size;
    }
}
