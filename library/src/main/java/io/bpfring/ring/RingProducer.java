package io.bpfring.ring;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntPredicate;

import static io.bpfring.ring.RingLayout.BUSY_BIT;
import static io.bpfring.ring.RingLayout.DISCARD_BIT;
import static io.bpfring.ring.RingLayout.HEADER_SIZE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The producer side of the BPF ring buffer protocol, for producers in user space, over memory
 * it is given: the kernel's {@code __bpf_ringbuf_reserve}, and {@code bpf_ringbuf_commit} behind
 * its submit and discard.
 *
 * <p>A {@linkplain #locking locking} producer reserves as the kernel does: it takes a lock (a
 * word in the producer page, so producers in other processes that map the same memory take the
 * same lock), checks for room against the consumer position, writes the header with BUSY set
 * and publishes the producer position with release semantics. Any consumer reads its records,
 * the kernel's too; a lock held by a producer that is gone is taken over. (Newer kernels also
 * keep {@code pending_pos}, the oldest record still being written, to guard their producers
 * against a user-space consumer that moves its position past such a record. A user-space
 * producer's consumer is the kernel or bpfring's own, which stops at them, and a reclaiming
 * consumer leaves nothing for such a scan to read: there is no pending_pos here.)
 *
 * <p>A {@linkplain #lockFree lock-free} producer claims space with one compare-and-set of the
 * producer position and writes the header after: the space it claimed already reads BUSY,
 * because its consumer {@linkplain RingConsumer#reclaiming reclaims} what it consumes. Producers
 * that claim this way must not die between the claim and the header (they cannot, in the JVM
 * that also consumes), and all producers of a ring must claim the same way.
 *
 * <p>Submit and discard store the header without BUSY, then decide the wake-up as the kernel
 * does: only if the consumer waits at this very record, unless the {@link Wakeup} forces it or
 * forbids it. Reserve never blocks on a full ring and never overwrites: it fails at once.
 *
 * <p>Records are delivered in reservation order: one reserved and not yet submitted holds back the
 * ones after it. The header's second word ({@code pg_off} in the kernel) carries the
 * reserving producer's id, so a consumer can tell whose reservation is stuck.
 *
 * <p>This is the protocol layer: records named by their positions, nothing allocated. Users
 * get a {@link Reservation} over it from the rings that own the memory, which writes in place,
 * submits or discards once, and discards a record left unsubmitted.
 *
 * <p>Thread-safe: any number of producers, in any number of processes (locking producers).
 */
public final class RingProducer {
    /**
     * How long {@link #reserve(int)} waits for a lock that another producer holds. A holder that
     * runs keeps it for well under a microsecond, or a time slice when the machine is busy; one
     * that has kept it this long is stopped (SIGSTOP, a debugger) or starved.
     */
    public static final long LOCK_PATIENCE_NANOS = 100_000_000;
    /**
     * Offsets in the producer page, after the producer position: the lock, and the consumer
     * position as some locking producer last read it. Both sit two cache lines away from the
     * producer position, so that a consumer reading it (and the line next to it, which CPUs
     * fetch in pairs) leaves them alone; the kernel reads nothing but the producer position there.
     */
    static final long LOCK = 128;
    static final long SEEN_CONSUMER = 192;
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final int SPINS_BEFORE_YIELDING = 64;
    private static final int SPINS_BEFORE_CHECKING_OWNER = 1 << 12;
    /** The process lock of locking producers that are given none: see {@link #locking}. */
    private static final Lock PROCESS_LOCK = new ReentrantLock();
    /** A header's two u32 words, {len | flags, producer id}, are read and written as one u64 in native order. */
    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private final MemorySegment consumerPage;
    private final MemorySegment producerPage;
    private final MemorySegment data;
    private final long mask;
    private final int maxLength;
    private final int producerId;
    /** Whether the producer of a given id still runs; null for a lock-free producer. */
    private final IntPredicate alive;
    /** Held while this producer takes or holds the lock word; null for a lock-free producer. */
    private final Lock processLock;
    /** The consumer position as some lock-free producer last read it (see {@link #hasRoom}). */
    private volatile long seenConsumer;

    /**
     * A producer that reserves under a lock, as the kernel does: for rings any consumer reads
     * (the kernel's user ring buffer) and for producers in several processes. Its process lock
     * is one for every locking producer of this JVM that is given none.
     *
     * @param producerId this producer's id, non-zero (a process id across processes), written
     *                   into the lock while held and into each record it reserves
     * @param alive      whether the producer of a given id still runs: a lock held by one that
     *                   does not is taken over
     */
    public static RingProducer locking(MemorySegment consumerPage, MemorySegment producerPage, MemorySegment data,
                                       long size, int producerId, IntPredicate alive) {
        return locking(consumerPage, producerPage, data, size, producerId, alive, PROCESS_LOCK);
    }

    /**
     * A producer that reserves under a lock, the lock word taken under {@code processLock}.
     *
     * @param processLock held while a producer takes or holds the lock word: the same lock for
     *                    every producer of this process that has this memory, through any
     *                    mapping, with the same id. Only one of them is at the word at a time,
     *                    so a word that holds the id is a stale one, left by a producer that
     *                    failed holding it (an exception, say, as its memory was closed under
     *                    it), and is taken
     */
    public static RingProducer locking(MemorySegment consumerPage, MemorySegment producerPage, MemorySegment data,
                                       long size, int producerId, IntPredicate alive, Lock processLock) {
        return new RingProducer(consumerPage, producerPage, data, size, producerId, Objects.requireNonNull(alive),
                Objects.requireNonNull(processLock));
    }

    /**
     * A producer that claims space with one compare-and-set: for a ring whose consumer is
     * {@linkplain RingConsumer#reclaiming reclaiming} and whose producers all live in the
     * consumer's JVM.
     *
     * @param producerId non-zero, written into each record it reserves
     */
    public static RingProducer lockFree(MemorySegment consumerPage, MemorySegment producerPage, MemorySegment data,
                                        long size, int producerId) {
        return new RingProducer(consumerPage, producerPage, data, size, producerId, null, null);
    }

    private RingProducer(MemorySegment consumerPage, MemorySegment producerPage, MemorySegment data, long size,
                         int producerId, IntPredicate alive, Lock processLock) {
        if (size <= 0 || Long.bitCount(size) != 1 || size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("ring size must be a power of 2 below 2G, got " + size);
        }
        if (data.byteSize() < 2 * size) {
            throw new IllegalArgumentException("the data area must be mapped twice: need " + 2 * size
                    + " bytes, got " + data.byteSize());
        }
        if (producerPage.byteSize() < SEEN_CONSUMER + Long.BYTES) {
            throw new IllegalArgumentException("the producer page holds producers' words up to byte "
                    + (SEEN_CONSUMER + Long.BYTES) + ", got " + producerPage.byteSize() + " bytes");
        }
        if (producerId == 0) {
            throw new IllegalArgumentException("the producer id must not be 0: 0 marks a free lock");
        }
        this.consumerPage = consumerPage;
        this.producerPage = producerPage;
        this.data = data;
        this.mask = size - 1;
        this.maxLength = RingLayout.maxLength(size);
        this.producerId = producerId;
        this.alive = alive;
        this.processLock = processLock;
    }

    /** The largest payload a record can have in this ring. */
    public int maxLength() {
        return maxLength;
    }

    /**
     * Reserves a record of {@code length} payload bytes. It never waits for room; a locking
     * producer waits for the lock up to {@link #LOCK_PATIENCE_NANOS}.
     *
     * @return its position, to write at {@link #payloadOffset} and then submit or discard;
     *         -1 when the ring has no room now, or another producer kept the lock that long
     */
    public long reserve(int length) {
        return reserve(length, LOCK_PATIENCE_NANOS);
    }

    /**
     * Reserves a record of {@code length} payload bytes, a locking producer waiting up to
     * {@code waitNanos} for the lock (0 or less: a brief spin).
     *
     * @return its position, or -1 when the ring has no room now or the lock stayed held
     */
    public long reserve(int length, long waitNanos) {
        if (length <= 0 || length > maxLength) {
            throw new IllegalArgumentException("record length must be 1.." + maxLength + " for this ring, got " + length);
        }
        return alive == null ? claim(length) : reserveLocked(length, waitNanos);
    }

    private long claim(int length) {
        long span = RingLayout.span(length);
        long seen = seenConsumer;
        // A plain read: a stale position only fails the exchange, which returns the current one.
        // (With no barrier between the read and the exchange, the JIT has fewer segment checks
        // to repeat: some twenty instructions each, on a path of about two hundred.)
        long prod = producerPage.get(JAVA_LONG, 0L);
        while (true) {
            long next = prod + span;
            if (!hasRoom(next, seen, true)) {
                return -1;
            }
            // Pairs with the other lock-free producers' exchanges: one claims each span. No
            // consumer reads the producer position for records: a reclaiming consumer finds them by
            // their headers.
            long current = (long) LONG.compareAndExchange(producerPage, 0L, prod, next);
            if (current == prod) {
                writeHeader(prod, length);
                return prod;
            }
            prod = current; // another producer claimed first
        }
    }

    private long reserveLocked(int length, long waitNanos) {
        long span = RingLayout.span(length);
        if (!lock(waitNanos)) {
            return -1;
        }
        try {
            long prod = (long) LONG.get(producerPage, 0L);
            long next = prod + span;
            // Pairs with the release of SEEN_CONSUMER in refreshRoom, by a producer of any process.
            if (!hasRoom(next, (long) LONG.getAcquire(producerPage, SEEN_CONSUMER), false)) {
                return -1;
            }
            writeHeader(prod, length);
            // Pairs with the consumer's acquire of the producer position: the kernel's
            // smp_load_acquire(&rb->producer_pos) in __bpf_user_ringbuf_peek for a user ring
            // buffer, RingConsumer's otherwise. The BUSY header is written before it, as in
            // __bpf_ringbuf_reserve.
            LONG.setRelease(producerPage, 0L, next);
            return prod;
        } finally {
            unlock();
        }
    }

    /**
     * Whether the ring has room up to {@code next}, judged first by the consumer position
     * producers saw last. The consumer position only moves forward, so a stale one is safe:
     * producers share the one they last saw and look at the consumer's line only when it says
     * no. Lock-free producers, all in one JVM, share it in a field; locking producers, in any
     * process, in the producer page. (Release / acquire, so that what the consumer did before it
     * published the position, reclaiming space, is visible to every producer that uses it.)
     */
    private boolean hasRoom(long next, long seen, boolean inJvm) {
        return Long.compareUnsigned(next - seen, mask) <= 0 || refreshRoom(next, inJvm); // unsigned, as positions are u64
    }

    /**
     * The position seen says no: reads the consumer's, and shares it when it gives room. Out of
     * line: taken about once a lap, it would make every reservation's code too big to inline.
     */
    private boolean refreshRoom(long next, boolean inJvm) {
        // Pairs with the consumer's release of its position: the kernel's
        // smp_store_release(&rb->consumer_pos) in __bpf_user_ringbuf_sample_release, or
        // RingConsumer's (after it reclaimed the space), as __bpf_ringbuf_reserve reads it.
        long cons = (long) LONG.getAcquire(consumerPage, 0L);
        if (Long.compareUnsigned(next - cons, mask) > 0) {
            return false; // nothing worth sharing: producers waiting on a full ring only read
        }
        if (inJvm) {
            seenConsumer = cons;
        } else {
            // Pairs with the acquire of SEEN_CONSUMER in reserveLocked: what the consumer did
            // before its position, this producer saw, and so will the next one.
            LONG.setRelease(producerPage, SEEN_CONSUMER, cons);
        }
        return true;
    }

    /** The header in one store: {len | BUSY, producer id}. */
    private void writeHeader(long position, int length) {
        int first = length | BUSY_BIT;
        data.set(JAVA_LONG, position & mask, LITTLE_ENDIAN
                ? (first & 0xffffffffL) | ((long) producerId << 32)
                : ((long) first << 32) | (producerId & 0xffffffffL));
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
     * Submits the record at {@code position}: the consumer may read it. A position that holds
     * no reservation of this producer is refused; submit each position once (one kept after its
     * record was consumed may name a newer reservation by then).
     *
     * @return whether the consumer should be woken, as {@code wakeup} decides
     */
    public boolean submit(long position, Wakeup wakeup) {
        return finish(position, wakeup, false);
    }

    /** Discards the record at {@code position}: the consumer skips it. */
    public boolean discard(long position, Wakeup wakeup) {
        return finish(position, wakeup, true);
    }

    private boolean finish(long position, Wakeup wakeup, boolean discard) {
        Objects.requireNonNull(wakeup, "wakeup");
        long offset = position & mask;
        // A record still reserved is BUSY and names its producer; anything else is misuse. (The
        // producer position is not read: other producers move it all the time.)
        // A plain read, as the record's own header needs no ordering: the barrier of an acquire
        // would make the JIT check the segment again for the store below.
        long words = (position & 7) == 0 ? data.get(JAVA_LONG, offset) : 0;
        int header = (int) (LITTLE_ENDIAN ? words : words >>> 32);
        int owner = (int) (LITTLE_ENDIAN ? words >>> 32 : words);
        if ((header & BUSY_BIT) == 0 || owner != producerId) {
            throw new IllegalStateException("no reservation of this producer at position " + position
                    + ": it was submitted or discarded already, or never reserved in this ring");
        }
        int done = (header & ~BUSY_BIT) | (discard ? DISCARD_BIT : 0);
        if (wakeup == Wakeup.NO_WAKEUP) {
            // Pairs with the consumer's acquire of the header: the kernel's smp_load_acquire(hdr)
            // in __bpf_user_ringbuf_peek, or RingConsumer's. The payload is written before it.
            INT.setRelease(data, offset, done); // no wake-up to decide: no need to fence
            return false;
        }
        // As the kernel's xchg(&hdr->len) in bpf_ringbuf_commit: a release that pairs with the
        // consumer's acquire of the header, and a full barrier, so that this store and the load of
        // the consumer position below do not pass each other. It pairs with the consumer's fence
        // before it sleeps (RingConsumer.hasCommittedRecord): either the consumer sees this
        // record, or this sees its position.
        INT.setVolatile(data, offset, done);
        if (wakeup == Wakeup.FORCE_WAKEUP) {
            return true;
        }
        // The consumer caught up and waits at this record: only then does it need a wake-up.
        // Pairs with the consumer's release of its position, as smp_load_acquire(&rb->consumer_pos)
        // in bpf_ringbuf_commit.
        return ((long) LONG.getAcquire(consumerPage, 0L) & mask) == offset;
    }

    /**
     * Takes the lock, waiting up to {@code waitNanos}: this process's lock, then the word. With
     * the first, no other producer of this process is at the word, so a word that holds this
     * producer's id is a stale one: it is this producer's to take (see {@link #locking}).
     */
    private boolean lock(long waitNanos) {
        if (!processLock.tryLock()) {
            return lockSlowly(false, waitNanos);
        }
        try {
            if (takeWord()) {
                return true;
            }
        } catch (RuntimeException e) { // the memory was closed under this producer
            processLock.unlock();
            throw e;
        }
        return lockSlowly(true, waitNanos);
    }

    /**
     * Out of line, as an uncontended lock needs none of it. Spins briefly (a holder keeps the lock
     * for a few dozen instructions), then yields, so a holder preempted on a busy machine gets the
     * core back. Now and then, and before it gives up, it takes the word from a holder whose
     * process is gone.
     */
    private boolean lockSlowly(boolean holdsProcessLock, long waitNanos) {
        long deadline = System.nanoTime() + waitNanos;
        boolean held = holdsProcessLock;
        try {
            for (int spins = 1; ; spins++) {
                if (!held) {
                    held = processLock.tryLock();
                }
                if (held && takeWord()) {
                    return true;
                }
                if (spins < SPINS_BEFORE_YIELDING) {
                    Thread.onSpinWait();
                    continue;
                }
                boolean late = System.nanoTime() - deadline >= 0;
                if (held && (late || spins % SPINS_BEFORE_CHECKING_OWNER == 0) && takeFromTheDead()) {
                    return true;
                }
                if (late) {
                    if (held) {
                        processLock.unlock();
                    }
                    return false;
                }
                Thread.yield();
            }
        } catch (RuntimeException e) { // the memory was closed under this producer
            if (held) {
                processLock.unlock();
            }
            throw e;
        }
    }

    /** Takes the word if it is free, or holds this producer's id (a stale one: see {@link #lock}). */
    private boolean takeWord() {
        // Takes the lock word as the kernel's raw_spin_lock takes rb->spinlock: pairs with the
        // release in unlock, by a producer of any process.
        int holder = (int) INT.compareAndExchange(producerPage, LOCK, 0, producerId);
        return holder == 0 || holder == producerId;
    }

    /** Takes the word from a holder whose process is gone. */
    private boolean takeFromTheDead() {
        // Pairs with takeWord's exchange by the holder; the compare-and-set below takes the word
        // only if it still holds the dead producer's id.
        int holder = (int) INT.getVolatile(producerPage, LOCK);
        return holder != 0 && !alive.test(holder) && INT.compareAndSet(producerPage, LOCK, holder, producerId);
    }

    /** Frees the word, then this process's lock, even if the memory was closed under this producer. */
    private void unlock() {
        try {
            // Pairs with the next holder's exchange in takeWord, as raw_spin_unlock does: the
            // header and the producer position are written before the lock is free.
            INT.setRelease(producerPage, LOCK, 0);
        } finally {
            processLock.unlock();
        }
    }
}
