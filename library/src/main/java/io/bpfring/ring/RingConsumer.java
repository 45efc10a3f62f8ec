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
 * semantics after every record so producers regain the space at once.
 *
 * <p>Headers and positions are untrusted. Positions are u64 counters that may pass 2^63 and wrap
 * at 2^64, so they are only ever compared by their difference: the producer position must be at
 * most a ring ahead of the consumer's, and every record must end at or before the producer
 * position as read after its header. A record that does not is reported as
 * {@link CorruptRingException} before anything of it is delivered, and nothing outside the ring
 * is ever read. A call reads the producer position when it first needs it, and again only when
 * a record runs past the one it read, so a batch reads it about once.
 *
 * <p>A {@linkplain #reclaiming reclaiming} consumer also returns the space of every record it has
 * consumed to the {@link RingLayout#UNCLAIMED} state before it publishes its position, the way
 * agrona's ring zeroes what it has read, and publishes it at the end of a batch and every
 * sixteenth of the ring within one. Producers may then claim space before they write a header,
 * and the consumer finds the end of what is committed by the headers alone: an unclaimed header
 * reads BUSY, so an empty ring costs no read of the producers' cache line.
 *
 * <p>Not thread-safe: one consumer per ring, as the protocol requires.
 */
public final class RingConsumer {
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final VarHandle INT = JAVA_INT.varHandle();
    /** A 32-bit word of {@link RingLayout#UNCLAIMED} bytes, as reclaimed space reads. */
    private static final int UNCLAIMED_WORD = 0x01010101 * (RingLayout.UNCLAIMED & 0xff);
    /** Linux hands out process ids up to this at most (PID_MAX_LIMIT on 64-bit kernels). */
    private static final int PID_MAX_LIMIT = 1 << 22;
    private static final MemorySegment UNCLAIMED_PAGE = MemorySegment.ofArray(new byte[4096]).fill(RingLayout.UNCLAIMED);

    private final MemorySegment consumerPos;
    private final MemorySegment producerPos;
    private final MemorySegment data;
    private final long size;
    private final long mask;
    private final RecordView view;
    private final boolean reclaims;
    /**
     * Where a reclaiming consumer left the consumer position: a call that finds it elsewhere
     * (moved by someone else, or never checked) checks it against the producer position first.
     */
    private long leftAt;
    /** What made this consumer find the ring corrupt: every later call reports it again. */
    private CorruptRingException corruption;

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
     * @throws CorruptRingException if the ring breaks the protocol, or broke it on an earlier
     *         call: once corrupt, a ring is read no further, and each call says why
     */
    public int consume(RecordHandler handler, long limit) {
        if (corruption != null) {
            throw stillCorrupt();
        }
        return reclaims ? consumeReclaiming(handler, limit) : consumeBehindProducer(handler, limit);
    }

    // Both loops keep what they use in locals, not fields: the acquire read of each header makes
    // the compiler read fields again after it, record after record. One loop per mode, so that
    // neither carries the other's branches.

    /**
     * The kernel's way: headers before the producer position only, the position published per
     * record. As libbpf's ringbuf_process_ring, an outer loop reads the producer position and an
     * inner one consumes up to it: the inner loop then holds no read of it but the rare one for a
     * record that seems to run past it, and the JIT keeps it small.
     */
    private int consumeBehindProducer(RecordHandler handler, long limit) {
        MemorySegment data = this.data;
        RecordView view = this.view;
        long mask = this.mask;
        long cons = consumerPosition();
        int delivered = 0;
        long prod;
        // prod - cons stays in [0, size), and every comparison below is of differences.
        while (delivered < limit && (prod = producerPosition(cons)) != cons) {
            do {
                long offset = cons & mask;
                // Pairs with the producer's store of the header without BUSY: the kernel's
                // xchg(&hdr->len) in bpf_ringbuf_commit, or RingProducer.finish. The payload
                // written before it is visible after it.
                int header = (int) INT.getAcquire(data, offset);
                if ((header & BUSY_BIT) != 0) {
                    return delivered;
                }
                int length = header & LENGTH_MASK;
                long span = RingLayout.span(length);
                if (span > prod - cons && span > (prod = producerPosition(cons)) - cons) {
                    throw found(pastProducer(cons, length, prod));
                }
                long record = cons;
                cons += span;
                if ((header & DISCARD_BIT) != 0) {
                    // Pairs with the producer's smp_load_acquire(&rb->consumer_pos) in
                    // __bpf_ringbuf_reserve (or RingProducer.refreshRoom): the record is read
                    // before its space is given back.
                    LONG.setRelease(consumerPos, 0L, cons);
                    continue;
                }
                view.set(offset + HEADER_SIZE, length, record);
                delivered++;
                boolean goOn;
                try {
                    goOn = handler.onRecord(view);
                } finally {
                    // As above: the record is read before its space is given back.
                    LONG.setRelease(consumerPos, 0L, cons);
                }
                if (!goOn || delivered >= limit) {
                    return delivered;
                }
            } while (cons != prod);
        }
        return delivered;
    }

    /**
     * In reclaimed space: headers alone say where committed records end (an unclaimed one reads
     * BUSY), each record is checked against the producer position as the other loop checks it,
     * and the batch is reclaimed and published at its end, and every sixteenth of the ring on the
     * way: a batch can be a whole ring, and producers waiting on a full one would otherwise idle
     * until it ends. (Two producers of 16-byte records on two cores ran about a quarter slower
     * that way.)
     */
    private int consumeReclaiming(RecordHandler handler, long limit) {
        long start = consumerPosition();
        if (start != leftAt) {
            producerPosition(start);
        }
        long prod = start; // as in the other loop; an empty ring reads BUSY and needs no read of it
        MemorySegment data = this.data;
        RecordView view = this.view;
        long mask = this.mask;
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
                long span = RingLayout.span(length);
                if (span > prod - cons && span > (prod = producerPosition(cons)) - cons) {
                    throw found(pastProducer(cons, length, prod));
                }
                long record = cons;
                cons += span;
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
        leftAt = cons;
        return delivered;
    }

    /**
     * Delivers committed records to {@code handler}, which says of each whether it took it, until
     * the ring is empty, a record is still being written, {@code limit} records were consumed, or
     * the handler breaks or aborts. An aborted record stays in the ring: the consumer position
     * is left at it, and the next call delivers it again. A separate loop from
     * {@link #consume}, whose records are always consumed, so that it carries no branch on an
     * action. If the handler throws, its record counts as consumed and the exception propagates.
     *
     * @return the number of records consumed (an aborted one is not)
     * @throws CorruptRingException as {@link #consume} does
     */
    public int consumeControlled(ControlledRecordHandler handler, long limit) {
        if (corruption != null) {
            throw stillCorrupt();
        }
        long start = consumerPosition();
        if (reclaims && start != leftAt) {
            producerPosition(start);
        }
        // A reclaiming ring is handed back in batches, as in consumeReclaiming; the kernel's way
        // publishes every record, as in consumeBehindProducer.
        long publishEvery = reclaims ? size / 16 : 1;
        long prod = start;
        long cons = start;
        int delivered = 0;
        try {
            while (delivered < limit && (reclaims || cons != prod || (prod = producerPosition(cons)) != cons)) {
                if (cons - start >= publishEvery) {
                    publish(start, cons);
                    start = cons;
                }
                long offset = cons & mask;
                // Pairs with the producer's store of the header without BUSY: the kernel's
                // xchg(&hdr->len) in bpf_ringbuf_commit, or RingProducer.finish. The payload
                // written before it is visible after it.
                int header = (int) INT.getAcquire(data, offset);
                if ((header & BUSY_BIT) != 0) {
                    break;
                }
                int length = header & LENGTH_MASK;
                long span = RingLayout.span(length);
                if (span > prod - cons && span > (prod = producerPosition(cons)) - cons) {
                    throw found(pastProducer(cons, length, prod));
                }
                long record = cons;
                cons += span;
                if ((header & DISCARD_BIT) != 0) {
                    continue;
                }
                view.set(offset + HEADER_SIZE, length, record);
                ControlledRecordHandler.Action action = handler.onRecord(view);
                if (action == ControlledRecordHandler.Action.ABORT) {
                    cons = record;
                    break;
                }
                delivered++;
                if (action == ControlledRecordHandler.Action.BREAK) {
                    break;
                }
            }
        } finally {
            if (cons != start) {
                publish(start, cons);
            }
        }
        leftAt = cons;
        return delivered;
    }

    /** Gives the space up to {@code to} back to producers, as this consumer's mode does. */
    private void publish(long from, long to) {
        if (reclaims) {
            release(from, to);
        } else {
            // Pairs with the producer's smp_load_acquire(&rb->consumer_pos) in
            // __bpf_ringbuf_reserve (or RingProducer.refreshRoom): the record is read before its
            // space is given back.
            LONG.setRelease(consumerPos, 0L, to);
        }
    }

    /** Hands the space of consumed records from {@code from} to {@code to} back to producers. */
    private void release(long from, long to) {
        reclaim(from, to);
        // Pairs with the producers' acquire of the consumer position (RingProducer.refreshRoom; the
        // kernel's __bpf_ringbuf_reserve): the space is read and reclaimed before producers may
        // claim it.
        LONG.setRelease(consumerPos, 0L, to);
    }

    /** Keeps {@code e} as the reason this ring is corrupt, for every later call; returns it. */
    private CorruptRingException found(CorruptRingException e) {
        corruption = e;
        return e;
    }

    /** The corruption found earlier, again: the same message, the first report as its cause. */
    private CorruptRingException stillCorrupt() {
        return new CorruptRingException(corruption.getMessage(), corruption);
    }

    /** A record that runs past what producers reserved, or past what the ring holds. */
    private CorruptRingException pastProducer(long cons, int length, long prod) {
        return new CorruptRingException("record header at position " + Long.toUnsignedString(cons)
                + ": length " + length + " runs past the producer position " + Long.toUnsignedString(prod)
                + (length > RingLayout.maxLength(size) ? ", more than the ring holds" : ""));
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

    /**
     * The producer position, read with acquire semantics and checked against {@code cons}: both
     * 8-byte aligned, as every record is, and the producer at most {@code size - 8} ahead, as
     * producers keep it (the kernel refuses a reservation that would take it more than
     * {@code size - 1} ahead). An unsigned comparison of the difference, so that it holds across
     * 2^63 and 2^64 and a producer position behind is caught too.
     */
    private long producerPosition(long cons) {
        // Pairs with smp_store_release(&rb->producer_pos) in __bpf_ringbuf_reserve (or
        // RingProducer's reserve): the BUSY headers of the records before it are written.
        long prod = (long) LONG.getAcquire(producerPos, 0L);
        if (((cons | prod) & 7) != 0 || Long.compareUnsigned(prod - cons, mask) > 0) {
            throw found(badPositions(cons, prod));
        }
        return prod;
    }

    private CorruptRingException badPositions(long cons, long prod) {
        if ((cons & 7) != 0) {
            return new CorruptRingException("consumer position " + Long.toUnsignedString(cons)
                    + " is not 8-byte aligned, as every record is");
        }
        if ((prod & 7) != 0) {
            return new CorruptRingException("producer position " + Long.toUnsignedString(prod)
                    + " is not 8-byte aligned, as every record is");
        }
        return new CorruptRingException("producer position " + Long.toUnsignedString(prod)
                + " and consumer position " + Long.toUnsignedString(cons) + " are not within one ring of "
                + size + " bytes");
    }

    /**
     * Whether a committed record waits at the consumer position, looked at after a full fence.
     * A consumer calls this after it has published its position and before it goes to sleep:
     * the fence orders that store before these loads, so either this sees the producer's commit,
     * or the producer sees the published position and sends a wake-up. Without it both sides can
     * read stale positions and a record waits with no wake-up.
     *
     * @throws CorruptRingException if the positions are not aligned or not within one ring
     */
    public boolean hasCommittedRecord() {
        if (corruption != null) {
            throw stillCorrupt();
        }
        // Pairs with the full barrier of the kernel's xchg(&hdr->len) in bpf_ringbuf_commit, which
        // comes before its smp_load_acquire(&rb->consumer_pos): either this sees the commit, or the
        // kernel sees the published position and wakes the consumer.
        VarHandle.fullFence();
        long cons = consumerPosition();
        long prod = producerPosition(cons);
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
     * The process id in the header of the record at the consumer position (its second word) if
     * that record is still reserved, or 0. For rings whose producers are processes that write the
     * header, their pid in it, before they publish a producer position past it (locking
     * producers, as in a shared ring file); the kernel writes a page offset there, and lock-free
     * producers claim space before they write a header.
     *
     * <p>In such a ring everything before the producer position is a header a producer wrote, so
     * a reserved header must name a process and end at or before the producer position. One that
     * does not (reclaimed space, whose fill reads as BUSY with owner 0x80808080, or any other
     * garbage) is a corrupt ring, not a reservation to wait for or discard.
     *
     * @throws CorruptRingException if the header there is not a reservation a process made
     */
    public int reservedBy() {
        if (corruption != null) {
            throw stillCorrupt();
        }
        long cons = consumerPosition();
        // The acquire pairs with the locking producer's release of the producer position
        // (RingProducer.reserveLocked), after it wrote the header with its id.
        long prod = producerPosition(cons);
        if (cons == prod) {
            return 0;
        }
        long offset = cons & mask;
        // Pairs with the producer's store of the header without BUSY: the kernel's xchg(&hdr->len)
        // in bpf_ringbuf_commit, or RingProducer.finish. The payload written before it is visible
        // after it.
        int header = (int) INT.getAcquire(data, offset);
        if ((header & BUSY_BIT) == 0) {
            return 0;
        }
        int owner = data.get(JAVA_INT, offset + 4);
        checkReservation(cons, prod, header, owner);
        return owner;
    }

    /**
     * Turns the record at the consumer position, reserved by process {@code producerId} that
     * will never commit it (it is gone), into a discarded one, so the records after it flow again.
     * Needs a writable data area, and a ring as {@link #reservedBy} describes.
     *
     * @return whether it did (false when the producer committed it meanwhile)
     * @throws CorruptRingException if the header there is not a reservation a process made
     */
    public boolean discardAbandoned(int producerId) {
        if (corruption != null) {
            throw stillCorrupt();
        }
        long cons = consumerPosition();
        long prod = producerPosition(cons);
        if (cons == prod) {
            return false;
        }
        long offset = cons & mask;
        // Pairs with the producer's commit (RingProducer.finish); the compare-and-set below races
        // it, and exactly one of the two changes the header.
        int header = (int) INT.getAcquire(data, offset);
        if ((header & BUSY_BIT) == 0) {
            return false;
        }
        int owner = data.get(JAVA_INT, offset + 4);
        checkReservation(cons, prod, header, owner);
        return owner == producerId && INT.compareAndSet(data, offset, header, (header & ~BUSY_BIT) | DISCARD_BIT);
    }

    /** A BUSY header at {@code cons}, before {@code prod}: it must name a process and end by {@code prod}. */
    private void checkReservation(long cons, long prod, int header, int owner) {
        if (owner <= 0 || owner > PID_MAX_LIMIT) {
            throw found(new CorruptRingException(String.format(
                    "record header at position %s: reserved, but its owner word 0x%08x is no process id%s",
                    Long.toUnsignedString(cons), owner, header == UNCLAIMED_WORD && owner == UNCLAIMED_WORD
                            ? " (reclaimed space, where a producer should have written a header)" : "")));
        }
        int length = header & LENGTH_MASK;
        if (RingLayout.span(length) > prod - cons) {
            throw found(new CorruptRingException("record header at position " + Long.toUnsignedString(cons)
                    + ": reserved by process " + owner + ", its length " + length
                    + " runs past the producer position " + Long.toUnsignedString(prod)));
        }
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

    /**
     * Bytes reserved by producers and not yet consumed, headers included. Any thread may ask:
     * the producer position is read first, so a consumer that moves meanwhile cannot make the
     * figure exceed the ring; if it has passed the producer position read, that is read again.
     *
     * @throws CorruptRingException if the positions are not aligned, or the consumer's is ahead
     *         of the producer's or more than a ring behind it (without marking the ring corrupt
     *         for the consumer, which finds it so itself)
     */
    public long availableBytes() {
        long prod = producerPosition();
        long cons = consumerPosition();
        long available = prod - cons;
        if (available < 0) {
            prod = producerPosition(); // a consumer cannot pass this one
            available = prod - cons;
            if (available > mask) {
                available = size - 8; // the consumer moved on after its position was read: a guess
            }
        }
        if (((cons | prod) & 7) != 0 || available < 0 || available > mask) {
            throw badPositions(cons, prod);
        }
        return available;
    }

    /** The ring's data size in bytes. */
    public long size() {
        return size;
    }
}
