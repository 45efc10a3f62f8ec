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
    private static final int SPINS_BEFORE_YIELDING = 64;
    private static final int SPINS_BEFORE_CHECKING_OWNER = 1 << 12;
    private static final HeaderWords HEADER_WORDS = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN
            ? (first, second) -> (first & 0xffffffffL) | ((long) second << 32)
            : (first, second) -> ((long) first << 32) | (second & 0xffffffffL);

    /** Two u32 header words as the one u64 that stores them in native order. */
    private interface HeaderWords {
        long header(int first, int second);
    }

    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment data;
    private final long mask;
    private final int maxLength;
    private final int producerId;
    private final IntPredicate alive;
    /** The consumer position as last read; written under the lock. */
    private long cachedConsumer;

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
            long prod = (long) LONG.get(producerPage, 0L);
            long next = prod + span;
            // Both bounds only move forward, so stale values are safe: look again only when
            // they say no (the consumer's position lives on a line it writes for every record).
            if (next - cachedConsumer > mask) {
                cachedConsumer = (long) LONG.getAcquire(consumerPage, 0L);
                if (next - cachedConsumer > mask) {
                    return -1;
                }
            }
            long pending = (long) LONG.get(producerPage, PENDING);
            if (next - pending > mask) {
                while (pending < prod) {
                    int header = (int) INT.getAcquire(data, pending & mask);
                    if ((header & BUSY_BIT) != 0) {
                        break;
                    }
                    pending += RingLayout.span(header & LENGTH_MASK);
                }
                LONG.set(producerPage, PENDING, pending);
                if (next - pending > mask) {
                    return -1;
                }
            }
            // The header in one store: {len | BUSY, producer id}, little- or big-endian alike.
            data.set(JAVA_LONG, prod & mask, HEADER_WORDS.header(length | BUSY_BIT, producerId));
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
        long offset = position & mask;
        // A record still reserved lies within the last ring's worth of reservations and is BUSY;
        // anything else is misuse. (The producer page is read here, not the consumer's busy line.)
        long prod = (long) LONG.getAcquire(producerPage, 0L);
        int header = position < prod && prod - position <= mask ? (int) INT.getAcquire(data, offset) : 0;
        if ((header & BUSY_BIT) == 0) {
            throw new IllegalStateException("no reservation at position " + position
                    + ": it was committed or discarded already, or never reserved in this ring");
        }
        int done = (header & ~BUSY_BIT) | (discard ? DISCARD_BIT : 0);
        if ((flags & NO_WAKEUP) != 0) {
            INT.setRelease(data, offset, done); // no wake-up to decide: no need to fence
            return false;
        }
        // The store and the load of the consumer position must not pass each other (the
        // kernel's xchg): either the consumer sees this commit, or this sees its position.
        INT.setVolatile(data, offset, done);
        if ((flags & FORCE_WAKEUP) != 0) {
            return true;
        }
        // The consumer caught up and waits at this record: only then does it need a wake-up.
        return ((long) LONG.getAcquire(consumerPage, 0L) & mask) == offset;
    }

    /**
     * Takes the lock: spins briefly (a holder keeps it for a few dozen instructions), then
     * yields, so a holder preempted on a busy machine gets the core back; a holder that no
     * longer runs loses the lock.
     */
    private void lock() {
        for (int spins = 1; !INT.compareAndSet(producerPage, LOCK, 0, producerId); spins++) {
            if (spins < SPINS_BEFORE_YIELDING) {
                Thread.onSpinWait();
                continue;
            }
            Thread.yield();
            if (spins % SPINS_BEFORE_CHECKING_OWNER == 0) {
                int owner = (int) INT.getVolatile(producerPage, LOCK);
                if (owner != 0 && owner != producerId && !alive.test(owner)) {
                    INT.compareAndSet(producerPage, LOCK, owner, 0);
                }
            }
        }
    }
}
