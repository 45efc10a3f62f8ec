package io.bpfring.ring;

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
 * <p>Not thread-safe: one consumer per ring, as the protocol requires.
 */
public final class RingConsumer {
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final MemorySegment consumerPos;
    private final MemorySegment producerPos;
    private final MemorySegment data;
    private final long size;
    private final long mask;
    private final RecordView view;

    /**
     * @param consumerPos the consumer position (u64 at offset 0), writable
     * @param producerPos the producer position (u64 at offset 0)
     * @param data        the data area mapped twice back to back, {@code 2 * size} bytes, so a
     *                    record that wraps is contiguous
     * @param size        the ring's data size: a power of 2
     */
    public RingConsumer(MemorySegment consumerPos, MemorySegment producerPos, MemorySegment data, long size) {
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
    }

    /**
     * Delivers committed records to {@code handler} until the ring is empty, a record is still
     * being written, {@code limit} records were delivered, or the handler asks to stop.
     * If the handler throws, its record counts as consumed and the exception propagates.
     *
     * @return the number of records delivered
     */
    public int consume(RecordHandler handler, long limit) {
        long cons = consumerPosition();
        int delivered = 0;
        while (delivered < limit) {
            long prod = (long) LONG.getAcquire(producerPos, 0L);
            if (cons == prod) {
                return delivered;
            }
            checkPositions(cons, prod);
            while (cons < prod) {
                long offset = cons & mask;
                int header = (int) INT.getAcquire(data, offset);
                if ((header & BUSY_BIT) != 0) {
                    return delivered;
                }
                int length = header & LENGTH_MASK;
                long span = RingLayout.span(length);
                if (span > prod - cons) {
                    throw new CorruptRingException("record at position " + cons + " claims " + length
                            + " bytes, past the producer position " + prod);
                }
                long record = cons;
                cons += span;
                if ((header & DISCARD_BIT) != 0) {
                    LONG.setRelease(consumerPos, 0L, cons);
                    continue;
                }
                view.set(offset + HEADER_SIZE, length, record);
                boolean goOn;
                try {
                    goOn = handler.onRecord(view);
                } finally {
                    LONG.setRelease(consumerPos, 0L, cons);
                }
                delivered++;
                if (!goOn || delivered >= limit) {
                    return delivered;
                }
            }
        }
        return delivered;
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
        VarHandle.fullFence();
        long cons = consumerPosition();
        long prod = (long) LONG.getAcquire(producerPos, 0L);
        if (cons == prod) {
            return false;
        }
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
        if (cons == (long) LONG.getAcquire(producerPos, 0L)) {
            return 0;
        }
        long offset = cons & mask;
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
        int header = (int) INT.getAcquire(data, offset);
        return (header & BUSY_BIT) != 0 && data.get(JAVA_INT, offset + 4) == producerId
                && INT.compareAndSet(data, offset, header, (header & ~BUSY_BIT) | DISCARD_BIT);
    }

    public long consumerPosition() {
        return (long) LONG.getAcquire(consumerPos, 0L);
    }

    public long producerPosition() {
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
