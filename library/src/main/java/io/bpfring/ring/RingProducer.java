package io.bpfring.ring;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.function.IntPredicate;

import static io.bpfring.ring.RingLayout.BUSY_BIT;
import static io.bpfring.ring.RingLayout.DISCARD_BIT;
import static io.bpfring.ring.RingLayout.HEADER_SIZE;
import static io.bpfring.ring.RingLayout.LENGTH_MASK;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The producer side of the BPF ring buffer protocol, for producers in user space, over memory
 * it is given: the kernel's {@code __bpf_ringbuf_reserve} and {@code bpf_ringbuf_commit}.
 *
 * <p>Reserve takes a lock (a word in the producer page, so producers in other processes that
 * map the same memory take the same lock), checks for room against the consumer position and
 * the oldest record still being written ({@code pending_pos}), writes the header with BUSY set
 * and publishes the producer position with release semantics. Commit and discard swap the
 * header atomically (a full barrier, as the kernel's {@code xchg}), then decide the wake-up as
 * the kernel does: only if the consumer waits at this very record, unless the flags force it
 * or forbid it. Reserve never blocks on a full ring and never overwrites: it fails at once.
 *
 * <p>Records are delivered in reservation order: one reserved and not committed holds back the
 * ones after it. The header's second word ({@code pg_off} in the kernel) carries the
 * reserving producer's id, so a consumer can tell whose reservation is stuck.
 *
 * <p>Thread-safe: any number of producers, in any number of processes.
 */
public final class RingProducer {
    /** Commit flag: do not wake the consumer. */
    public static final long NO_WAKEUP = 1;
    /** Commit flag: wake the consumer whatever its position. */
    public static final long FORCE_WAKEUP = 2;
    /** Offsets in the producer page: the kernel's producer_pos, then pending_pos; our lock. */
    static final long PENDING = 8;
    static final long LOCK = 64;
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final int SPINS_BEFORE_CHECKING_OWNER = 1 << 16;

    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment data;
    private final long mask;
    private final int maxLength;
    private final int producerId;
    private final IntPredicate alive;

    /**
     * @param producerId this producer's id, non-zero (a process id across processes), written
     *                   into the lock while held and into each record it reserves
     * @param alive      whether the producer of a given id still runs: a lock held by one that
     *                   does not is taken over
     */
    public RingProducer(MemorySegment consumerPage, MemorySegment producerPage, MemorySegment data, long size,
                        int producerId, IntPredicate alive) {
        if (size <= 0 || Long.bitCount(size) != 1 || size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ring size must be a power of 2 below 2G, got " + size);
        }
        if (data.byteSize() < 2 * size) {
            throw new IllegalArgumentException("the data area must be mapped twice: need " + 2 * size
                    + " bytes, got " + data.byteSize());
        }
        if (producerId == 0) {
            throw new IllegalArgumentException("the producer id must not be 0: 0 marks a free lock");
        }
        this.consumerPage = consumerPage;
        this.producerPage = producerPage;
        this.data = data;
        this.mask = size - 1;
        // The kernel keeps the producer less than a whole ring ahead: a record spans at most size - 8.
        this.maxLength = (int) (size - 2 * HEADER_SIZE);
        this.producerId = producerId;
        this.alive = alive;
    }

    /** The largest payload a record can have in this ring. */
    public int maxLength() {
        return maxLength;
    }

    /**
     * Reserves a record of {@code length} payload bytes.
     *
     * @return its position, to write at {@link #payloadOffset} and then commit or discard;
     *         -1 when the ring has no room now
     */
    public long reserve(int length) {
        if (length <= 0 || length > maxLength) {
            throw new IllegalArgumentException("record length must be 1.." + maxLength + " for this ring, got " + length);
        }
        long span = RingLayout.span(length);
        lock();
        try {
            long cons = (long) LONG.getAcquire(consumerPage, 0L);
            long prod = (long) LONG.get(producerPage, 0L);
            long pending = (long) LONG.get(producerPage, PENDING);
            while (pending < prod) {
                int header = (int) INT.getAcquire(data, pending & mask);
                if ((header & BUSY_BIT) != 0) {
                    break;
                }
                pending += RingLayout.span(header & LENGTH_MASK);
            }
            LONG.set(producerPage, PENDING, pending);
            long next = prod + span;
            if (next - cons > mask || next - pending > mask) {
                return -1;
            }
            long offset = prod & mask;
            data.set(JAVA_INT, offset, length | BUSY_BIT);
            data.set(JAVA_INT, offset + 4, producerId);
            LONG.setRelease(producerPage, 0L, next);
            return prod;
        } finally {
            INT.setRelease(producerPage, LOCK, 0);
        }
    }

    /** Where in the data area the payload of the record at {@code position} starts. */
    public long payloadOffset(long position) {
        return (position & mask) + HEADER_SIZE;
    }

    /** The data area, mapped twice: a payload is contiguous from {@link #payloadOffset}. */
    public MemorySegment data() {
        return data;
    }

    /**
     * Commits the record at {@code position}: the consumer may read it.
     *
     * @param flags 0, {@link #NO_WAKEUP} or {@link #FORCE_WAKEUP}
     * @return whether the consumer should be woken
     */
    public boolean commit(long position, long flags) {
        return finish(position, flags, false);
    }

    /** Commits the record at {@code position} as discarded: the consumer skips it. */
    public boolean discard(long position, long flags) {
        return finish(position, flags, true);
    }

    private boolean finish(long position, long flags, boolean discard) {
        long cons = (long) LONG.getAcquire(consumerPage, 0L);
        long prod = (long) LONG.getAcquire(producerPage, 0L);
        long offset = position & mask;
        int header = position >= cons && position < prod ? (int) INT.getVolatile(data, offset) : 0;
        if ((header & BUSY_BIT) == 0) {
            throw new IllegalStateException("no reservation at position " + position
                    + ": it was committed or discarded already, or never reserved in this ring");
        }
        int done = (header & ~BUSY_BIT) | (discard ? DISCARD_BIT : 0);
        if (!INT.compareAndSet(data, offset, header, done)) {
            throw new IllegalStateException("the record at position " + position + " was committed twice at once");
        }
        if ((flags & FORCE_WAKEUP) != 0) {
            return true;
        }
        // The consumer caught up and waits at this record: only then does it need a wake-up.
        long waitingAt = (long) LONG.getAcquire(consumerPage, 0L) & mask;
        return (flags & NO_WAKEUP) == 0 && waitingAt == offset;
    }

    /** Takes the lock; a holder that no longer runs loses it. */
    private void lock() {
        int spins = 0;
        while (!INT.compareAndSet(producerPage, LOCK, 0, producerId)) {
            Thread.onSpinWait();
            if (++spins % SPINS_BEFORE_CHECKING_OWNER == 0) {
                int owner = (int) INT.getVolatile(producerPage, LOCK);
                if (owner != 0 && owner != producerId && !alive.test(owner)) {
                    INT.compareAndSet(producerPage, LOCK, owner, 0);
                }
                Thread.yield();
            }
        }
    }
}
