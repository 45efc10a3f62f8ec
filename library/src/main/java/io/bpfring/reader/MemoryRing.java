package io.bpfring.reader;

import io.bpfring.ring.CorruptRingException;
import io.bpfring.ring.RecordHandler;
import io.bpfring.ring.RingConsumer;
import io.bpfring.ring.RingLayout;
import io.bpfring.ring.RingProducer;
import io.bpfring.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The BPF ring buffer for Java producers: many producers, one consumer, variable-length records,
 * reserve/commit that fails early when full, delivery in reservation order, and the kernel's
 * adaptive wake-ups. The memory is a file mapped the way the kernel maps a ring buffer
 * (consumer page, producer page, data twice back to back), so records that wrap stay contiguous:
 * an anonymous file for one JVM ({@link #inMemory}), a named one for several processes
 * ({@link #create}, {@link #open}).
 *
 * <p>The consumer sleeps on a futex in the consumer page, which producers in any process wake.
 * One consumer at a time; producers from any thread or process. The consumer
 * {@linkplain RingConsumer#reclaiming reclaims} what it has read, so producers of a ring in one
 * JVM claim space without a lock (one compare-and-set); producers of a shared file take the
 * lock in the producer page, as the kernel does, so that one that dies can be recovered from.
 *
 * <p><b>A producer that dies holding a reservation</b> (a process killed between reserve and
 * commit) would hold back every later record forever. Each reservation carries its producer's
 * process id; when the consumer finds the oldest record still reserved and that process gone, it
 * turns the record into a discarded one, counts it in {@link #lost()}, and goes on. A lock held
 * by a process that is gone is taken over the same way. (The header is written under the lock,
 * so no process can die between claiming space and saying whose it is.) Within one JVM a
 * reservation can only be abandoned by a thread that never commits: that is a bug this ring does
 * not hide.
 */
public final class MemoryRing implements AutoCloseable {
    private static final long MAGIC = 0x32474e4952465042L; // "BPFRING2", little-endian
    /** Offsets in the consumer page: the futex word producers bump to wake, and the file's identity. */
    private static final long WAKE = 64;
    private static final long MAGIC_AT = 128;
    private static final long SIZE_AT = 136;
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final int PID = (int) ProcessHandle.current().pid();

    private final Arena arena = Arena.ofShared();
    /**
     * Held by every consumer call and by a producer's wake-up: the futex calls name the wake
     * word by its address, which the arena cannot guard. The last to leave after close unmaps.
     */
    private final UseCount uses = new UseCount(arena::close);
    private final MemorySegment consumerPage;
    private final RingProducer producer;
    private final RingConsumer consumer;
    private final long size;
    /** Whether producers in other processes may use the ring: a shared file. */
    private final boolean shared;
    private long lost;
    /**
     * Read without ordering, so that the check costs the producers' hot path nothing (the use
     * count, which every consumer call writes, is no place for it): it is there for the clearer
     * message. Closing the arena is what makes a late access fail safely.
     */
    private boolean closed;

    private MemoryRing(int fd, long size, boolean shared, boolean initialise, String what) {
        long page = Sys.pageSize();
        try {
            MemorySegment mapping = Sys.mapDoubled(arena, fd, 2 * page, size, what);
            this.consumerPage = mapping.asSlice(0, page);
            MemorySegment producerPage = mapping.asSlice(page, page);
            MemorySegment data = mapping.asSlice(2 * page, 2 * size);
            if (initialise) {
                data.asSlice(0, size).fill(RingLayout.UNCLAIMED);
                consumerPage.set(JAVA_LONG, SIZE_AT, size);
                LONG.setRelease(consumerPage, MAGIC_AT, MAGIC);
            }
            this.size = size;
            this.shared = shared;
            this.producer = shared
                    ? RingProducer.locking(consumerPage, producerPage, data, size, PID, MemoryRing::alive)
                    : RingProducer.lockFree(consumerPage, producerPage, data, size, PID);
            this.consumer = RingConsumer.reclaiming(consumerPage, producerPage, data, size);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        } finally {
            Sys.close(fd); // the mappings keep the file
        }
    }

    /** A ring of {@code size} data bytes (a power of 2 and a multiple of the page size) for one JVM. */
    public static MemoryRing inMemory(int size) {
        checkSize(size);
        int fd = Sys.memfdCreate("bpfring");
        return new MemoryRing(sized(fd, size), size, false, true, "mmap(memory ring)");
    }

    /** Creates (or replaces) the shared ring file {@code file}, for producers and a consumer in several processes. */
    public static MemoryRing create(Path file, int size) {
        checkSize(size);
        int fd = Sys.open(file.toString(), true);
        return new MemoryRing(sized(fd, size), size, true, true, "mmap(" + file + ")");
    }

    /** Opens a shared ring file made by {@link #create}; a file that is not one is refused. */
    public static MemoryRing open(Path file) {
        long fileSize = file.toFile().length();
        long page = Sys.pageSize();
        int fd = Sys.open(file.toString(), false);
        long size = fileSize - 2 * page;
        if (fileSize <= 2 * page || !RingLayout.isValidSize(size, page)) {
            Sys.close(fd);
            throw new CorruptRingException(file + " is not a bpfring ring file: " + fileSize + " bytes");
        }
        MemoryRing ring = new MemoryRing(fd, size, true, false, "mmap(" + file + ")");
        if ((long) LONG.getAcquire(ring.consumerPage, MAGIC_AT) != MAGIC || ring.consumerPage.get(JAVA_LONG, SIZE_AT) != size) {
            ring.close();
            throw new CorruptRingException(file + " is not a bpfring ring file (no magic, or a size that does not match)");
        }
        return ring;
    }

    private static int sized(int fd, long size) {
        try {
            // Truncate to zero first so a re-created file starts empty.
            Sys.ftruncate(fd, 0, "ftruncate(ring)");
            Sys.ftruncate(fd, 2 * Sys.pageSize() + size, "ftruncate(ring)");
            return fd;
        } catch (RuntimeException e) {
            Sys.close(fd);
            throw e;
        }
    }

    private static void checkSize(long size) {
        if (!RingLayout.isValidSize(size, Sys.pageSize())) {
            throw new IllegalArgumentException("ring size " + size
                    + " must be a power of 2 and a multiple of the page size (" + Sys.pageSize() + " bytes)");
        }
    }

    private static boolean alive(int pid) {
        return pid == PID || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    // ---- producers ----

    /**
     * Reserves a record of {@code length} bytes without waiting.
     *
     * @return its position, to write at {@link #payloadOffset} in {@link #data()} and then
     *         {@link #commit} or {@link #discard}; -1 when the ring is full
     */
    public long reserve(int length) {
        checkOpen();
        return producer.reserve(length);
    }

    /**
     * Reserves a record, waiting up to {@code timeout} for the consumer to make room.
     *
     * @return its position, or -1 when the time ran out
     */
    public long reserve(int length, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long backoff = 1_000;
        while (true) {
            long position = reserve(length);
            if (position >= 0 || System.nanoTime() - deadline >= 0) {
                return position;
            }
            LockSupport.parkNanos(backoff);
            backoff = Math.min(backoff * 2, 1_000_000);
        }
    }

    /** The data area, where a reserved record is written from {@link #payloadOffset}. */
    public MemorySegment data() {
        return producer.data();
    }

    public long payloadOffset(long position) {
        return producer.payloadOffset(position);
    }

    /** Commits the record at {@code position}; flags 0, {@link RingProducer#NO_WAKEUP} or {@link RingProducer#FORCE_WAKEUP}. */
    public void commit(long position, long flags) {
        checkOpen();
        if (producer.commit(position, flags)) {
            wakeConsumer();
        }
    }

    /** Discards the record at {@code position}: the consumer skips it. */
    public void discard(long position, long flags) {
        checkOpen();
        if (producer.discard(position, flags)) {
            wakeConsumer();
        }
    }

    /**
     * Copies {@code bytes} into a new record and commits it (bpf_ringbuf_output).
     *
     * @return false when the ring was full
     */
    public boolean offer(byte[] bytes) {
        long position = reserve(bytes.length);
        if (position < 0) {
            return false;
        }
        MemorySegment.copy(bytes, 0, data(), JAVA_BYTE, payloadOffset(position), bytes.length);
        commit(position, 0);
        return true;
    }

    /** Out of line: the futex call would keep commit from being inlined where it is hot. */
    private void wakeConsumer() {
        if (uses.enter()) { // closed: nobody here to wake
            try {
                wake();
            } finally {
                uses.leave();
            }
        }
    }

    /** Bumps the wake word and wakes whoever sleeps on it; the caller holds a use. */
    private void wake() {
        INT.getAndAdd(consumerPage, WAKE, 1);
        Sys.futexWake(consumerPage.asSlice(WAKE, 4));
    }

    /** The largest record this ring takes. */
    public int maxLength() {
        return producer.maxLength();
    }

    // ---- the consumer ----

    /** Delivers the committed records without waiting. */
    public int consume(RecordHandler handler) {
        enter();
        try {
            return consumeCommitted(handler);
        } finally {
            uses.leave();
        }
    }

    /**
     * Delivers committed records, sleeping up to {@code timeout} until a producer commits one.
     * A {@link #close()} ends the sleep at once.
     *
     * @return the number delivered, 0 at the timeout or the close
     */
    public int poll(RecordHandler handler, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        enter();
        try {
            while (true) {
                int delivered = consumeCommitted(handler);
                if (delivered > 0) {
                    return delivered;
                }
                // Close marks the ring closed before it bumps the word: if this read comes before
                // the bump, the futex sees the word changed and does not sleep.
                int seen = (int) INT.getAcquire(consumerPage, WAKE);
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0 || uses.isClosed()) {
                    return 0;
                }
                if (!consumer.hasCommittedRecord()) {
                    // A reservation left by a process that died wakes nobody: look again now and then.
                    Sys.futexWait(consumerPage.asSlice(WAKE, 4), seen,
                            shared && consumer.reservedBy() != 0 ? Math.min(remaining, 10_000_000) : remaining);
                }
            }
        } finally {
            uses.leave();
        }
    }

    /** Like {@link #poll}, spinning instead of sleeping. */
    public int busyPoll(RecordHandler handler, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        enter();
        try {
            while (true) {
                int delivered = consumeCommitted(handler);
                if (delivered > 0 || uses.isClosed() || System.nanoTime() - deadline >= 0) {
                    return delivered;
                }
                Thread.onSpinWait();
            }
        } finally {
            uses.leave();
        }
    }

    private int consumeCommitted(RecordHandler handler) {
        int delivered = consumer.consume(handler, Long.MAX_VALUE);
        while (shared && skipAbandoned()) {
            delivered += consumer.consume(handler, Long.MAX_VALUE);
        }
        return delivered;
    }

    /** Starts a consumer call, which keeps the ring mapped until it returns. */
    private void enter() {
        if (!uses.enter()) {
            throw new IllegalStateException("the ring is closed");
        }
    }

    /** Skips a record whose producer process is gone; returns whether it did. */
    private boolean skipAbandoned() {
        int owner = consumer.reservedBy();
        if (owner == 0 || alive(owner) || !consumer.discardAbandoned(owner)) {
            return false;
        }
        lost++;
        return true;
    }

    /** Records skipped because the process that reserved them died before committing. */
    public long lost() {
        return lost;
    }

    public long consumerPosition() {
        return consumer.consumerPosition();
    }

    public long producerPosition() {
        return consumer.producerPosition();
    }

    /** The data size in bytes. */
    public long size() {
        return size;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the ring is closed");
        }
    }

    /**
     * Closes the ring for every thread. A poll sleeping on another thread wakes at once, delivers
     * what is committed and returns; the ring is unmapped when the last call using it (a
     * consumer call, a producer's wake-up) returns, at once when none runs. Any thread may call
     * it, a handler too, and more than once. A shared file stays for the other processes (their consumer may see one spurious
     * wake-up).
     */
    @Override
    public void close() {
        if (uses.close()) {
            closed = true;
            try {
                wake();
            } finally {
                uses.leave();
            }
        }
    }
}
