package io.bpfring.memring;

import io.bpfring.internal.Deadline;
import io.bpfring.internal.UseCount;

import io.bpfring.ClosedException;
import io.bpfring.CorruptRingException;
import io.bpfring.Errno;
import io.bpfring.SyscallException;
import io.bpfring.ring.ControlledRecordHandler;
import io.bpfring.ring.RecordHandler;
import io.bpfring.ring.Reservation;
import io.bpfring.ring.RingConsumer;
import io.bpfring.ring.RingLayout;
import io.bpfring.ring.RingProducer;
import io.bpfring.ring.Wakeup;
import io.bpfring.sys.Sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The BPF ring buffer for Java producers: many producers, one consumer, variable-length records,
 * reserve / submit / discard with a reserve that fails early when full, delivery in reservation
 * order, and the kernel's adaptive wake-ups. The memory is a file mapped the way the kernel maps a ring buffer
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
 * submit) would hold back every later record forever. Each reservation carries its producer's
 * process id; when the consumer finds the oldest record still reserved and that process gone, it
 * turns the record into a discarded one, counts it in {@link #abandoned()}, and goes on. A lock
 * held by a process that is gone is taken over the same way. (The header is written under the
 * lock, so no process can die between claiming space and saying whose it is.) Within one JVM a
 * reservation can only be abandoned by a thread that never submits: that is a bug this ring does
 * not hide.
 */
public final class MemoryRing implements AutoCloseable {
    private static final long MAGIC = 0x32474e4952465042L; // "BPFRING2", little-endian
    /**
     * Offsets in the consumer page: the futex word producers bump to wake, the file's identity,
     * and the word that says a newer ring replaced the file at its path.
     */
    private static final long WAKE = 64;
    private static final long MAGIC_AT = 128;
    private static final long SIZE_AT = 136;
    private static final long REPLACED_AT = 144;
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final int PID = (int) ProcessHandle.current().pid();
    /** How often a consumer looks again at a reservation whose process may have died. */
    private static final long ABANDONED_CHECK_NANOS = 10_000_000;
    /**
     * This process's producers of a shared file take its lock word under one of these, chosen by
     * the file's device and inode, whichever instance maps it (see RingProducer#locking). Files
     * that share one only wait for each other a little more.
     */
    private static final Lock[] PROCESS_LOCKS = Stream.generate(ReentrantLock::new).limit(64).toArray(Lock[]::new);

    private final Arena arena = Arena.ofShared();
    /**
     * Held by every consumer call and by a producer's wake-up: the futex calls name the wake
     * word by its address, which the arena cannot guard. The last to leave after close unmaps.
     */
    private final UseCount uses = new UseCount(arena::close);
    private final MemorySegment consumerPage;
    private final RingProducer producer;
    /** The reservations' step, made once rather than per reservation. */
    private final Reservation.Finisher finisher = this::finish;
    private final RingConsumer consumer;
    private final long size;
    /** Whether producers in other processes may use the ring: a shared file. */
    private final boolean shared;
    /** The file's path, or what the ring is, for messages. */
    private final String name;
    private long abandoned;
    /** The open reader, if any: one consumer at a time. */
    private final AtomicReference<MemoryRingReader> reader = new AtomicReference<>();
    /**
     * Read without ordering, so that the check costs the producers' hot path nothing (the use
     * count, which every consumer call writes, is no place for it): it is there for the clearer
     * message. Closing the arena is what makes a late access fail safely.
     */
    private boolean closed;

    /**
     * Maps the ring file open as {@code fd}, which it keeps open until it closes: a creator's lock
     * on the file (see {@link #create}) lasts as long as the fd. With {@code create}, the file is
     * new and empty, and is made a ring.
     */
    private MemoryRing(int fd, long size, boolean shared, boolean create, String name) {
        long page = Sys.pageSize();
        Sys.closeWith(arena, fd);
        try {
            if (create) {
                Sys.ftruncate(fd, 2 * page + size, "ftruncate(" + name + ")");
                if (shared) {
                    Sys.tryLockExclusive(fd, "flock(" + name + ")"); // a new file: nobody else holds it
                }
            }
            MemorySegment mapping = Sys.mapDoubled(arena, fd, 2 * page, size, "mmap(" + name + ")");
            this.consumerPage = mapping.asSlice(0, page);
            MemorySegment producerPage = mapping.asSlice(page, page);
            MemorySegment data = mapping.asSlice(2 * page, 2 * size);
            if (create) {
                data.asSlice(0, size).fill(RingLayout.UNCLAIMED);
                consumerPage.set(JAVA_LONG, SIZE_AT, size);
                LONG.setRelease(consumerPage, MAGIC_AT, MAGIC);
            }
            this.size = size;
            this.shared = shared;
            this.name = name;
            this.producer = shared
                    ? RingProducer.locking(consumerPage, producerPage, data, size, PID, MemoryRing::alive,
                            processLock(Sys.stat(fd, "statx(" + name + ")")))
                    : RingProducer.lockFree(consumerPage, producerPage, data, size, PID);
            this.consumer = RingConsumer.reclaiming(consumerPage, producerPage, data, size);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** A ring of {@code size} data bytes (a power of 2 and a multiple of the page size) for one JVM. */
    public static MemoryRing inMemory(int size) {
        checkSize(size);
        return new MemoryRing(Sys.memfdCreate("bpfring"), size, false, true, "memory ring");
    }

    /**
     * Creates the shared ring file {@code file}, for producers and a consumer in several processes:
     * call it in the consumer. The ring is made in a new file, which then takes the place of
     * whatever was at the path: a file is never shrunk under processes that map it. Until it is
     * closed, this ring holds a lock on its file, and a create of the same path is refused. Once
     * it is closed (or its process is gone), a create makes a new ring there, as a consumer that
     * restarts does; producers that still map the old ring are told at their next reservation.
     *
     * @throws IllegalStateException when the ring at {@code file} is still open in the process that created it
     */
    public static MemoryRing create(Path file, int size) {
        checkSize(size);
        Path fresh = newFileBeside(file);
        try {
            MemoryRing ring = new MemoryRing(Sys.open(fresh.toString(), false), size, true, true, file.toString());
            try {
                replace(file, fresh);
            } catch (RuntimeException e) {
                ring.close();
                throw e;
            }
            return ring;
        } catch (RuntimeException e) {
            try {
                Files.deleteIfExists(fresh);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** A new empty file in the directory of {@code file}, to become the ring file when it is ready. */
    private static Path newFileBeside(Path file) {
        Path absolute = file.toAbsolutePath();
        try {
            return Files.createTempFile(absolute.getParent(), "." + absolute.getFileName() + ".", ".new");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a new ring file beside " + file + ": " + e, e);
        }
    }

    /**
     * Renames the ring file {@code fresh} onto {@code file}, unless the ring there is still open in
     * the process that created it, which holds a lock on its file. (An empty file is made when
     * there is none, to take the lock on, so that two creates cannot both find the path free.)
     * Processes that map the old file keep its memory; the old ring is marked replaced.
     */
    private static void replace(Path file, Path fresh) {
        while (true) {
            int old = Sys.open(file.toString(), true);
            try {
                if (!Sys.tryLockExclusive(old, "flock(" + file + ")")) {
                    throw new IllegalStateException(file + " is in use: the process that created the ring there has it"
                            + " open still. Close that ring first, or open the file (MemoryRing.open) to produce into it");
                }
                // Another create may have put its file there between the open and the lock: then look at that one.
                if (isAt(file, Sys.stat(old, "statx(" + file + ")"))) {
                    try {
                        Files.move(fresh, file, StandardCopyOption.ATOMIC_MOVE);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot rename the new ring file onto " + file + ": " + e, e);
                    }
                    markReplaced(old, file);
                    return;
                }
            } finally {
                Sys.close(old);
            }
        }
    }

    private static boolean isAt(Path file, Sys.FileStat stat) {
        try {
            return Sys.stat(file.toString()).sameFile(stat);
        } catch (SyscallException e) {
            if (e.errno() == Errno.ENOENT) {
                return false;
            }
            throw e;
        }
    }

    /** Marks the ring in the old file {@code fd}, if it is one, replaced: its producers learn it at their next reservation. */
    private static void markReplaced(int fd, Path file) {
        long page = Sys.pageSize();
        if (Sys.stat(fd, "statx(" + file + ")").size() < 2 * page) {
            return; // the empty file made to take the lock on, or no ring
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment consumerPage = Sys.map(arena, fd, page, 0, Sys.PROT_READ | Sys.PROT_WRITE, "mmap(" + file + ")");
            if ((long) LONG.getAcquire(consumerPage, MAGIC_AT) == MAGIC) {
                INT.setRelease(consumerPage, REPLACED_AT, 1);
            }
        }
    }

    /** Opens a shared ring file made by {@link #create}; a file that is not one, or not whole, is refused. */
    public static MemoryRing open(Path file) {
        int fd = Sys.open(file.toString(), false);
        long size;
        try {
            size = ringSize(fd, file);
        } catch (RuntimeException e) {
            Sys.close(fd);
            throw e;
        }
        return new MemoryRing(fd, size, true, false, file.toString());
    }

    /**
     * The data size of the ring file open as {@code fd}, from its header, checked against the size
     * of the file before the ring is mapped: an access past the end of a file faults.
     */
    private static long ringSize(int fd, Path file) {
        long page = Sys.pageSize();
        long fileSize = Sys.stat(fd, "statx(" + file + ")").size();
        if (fileSize < 2 * page) {
            throw new CorruptRingException(file + " is not a bpfring ring file: " + fileSize
                    + " bytes, less than the two pages of a ring's header");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment header = Sys.map(arena, fd, page, 0, Sys.PROT_READ, "mmap(" + file + ")");
            if ((long) LONG.getAcquire(header, MAGIC_AT) != MAGIC) {
                throw new CorruptRingException(file + " is not a bpfring ring file: it has no magic number."
                        + " Make ring files with MemoryRing.create");
            }
            long size = header.get(JAVA_LONG, SIZE_AT);
            if (!RingLayout.isValidSize(size, page)) {
                throw new CorruptRingException(file + " is damaged: its header gives a data size of " + size
                        + " bytes, which no ring has. Create the ring again");
            }
            if (fileSize != 2 * page + size) {
                throw new CorruptRingException(file + " is " + fileSize + " bytes, but its header says "
                        + (2 * page + size) + " (two pages and " + size + " data bytes): something other than"
                        + " bpfring truncated or extended it. Create the ring again");
            }
            return size;
        }
    }

    private static Lock processLock(Sys.FileStat file) {
        return PROCESS_LOCKS[Long.hashCode(file.device() * 31 + file.inode()) & (PROCESS_LOCKS.length - 1)];
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
     * Reserves a record of {@code length} bytes without waiting for room. The producers of a
     * shared file take a lock to reserve: if another process keeps it for
     * {@link RingProducer#LOCK_PATIENCE_NANOS} (it is stopped, or starved of CPU), this gives up.
     *
     * @return the record, to write in place and then submit or discard (in a try-with-resources
     *         block, so that one left unsubmitted is discarded); null when the ring is full, or
     *         the lock stayed held
     * @throws IllegalStateException when the ring is closed, or a newer ring took its file's place
     *                               (see {@link #create}): open the file again
     * @see #reservePosition the same without an object
     */
    public Reservation reserve(int length) {
        checkProducing();
        return reservation(producer.reserve(length), length);
    }

    /**
     * Reserves a record, waiting up to {@code timeout} for the consumer to make room, and for the
     * lock of a shared file, whoever holds it.
     *
     * @return the record, or null when the time ran out
     */
    public Reservation reserve(int length, Duration timeout) {
        long deadline = Deadline.after(timeout);
        long backoff = 1_000;
        while (true) {
            checkProducing();
            long position = producer.reserve(length, deadline - System.nanoTime());
            long remaining = deadline - System.nanoTime();
            if (position != -1 || remaining <= 0) { // positions are u64: one past 2^63 reads as negative
                return reservation(position, length);
            }
            LockSupport.parkNanos(Math.min(backoff, remaining));
            backoff = Math.min(backoff * 2, 1_000_000);
        }
    }

    /** The record reserved at {@code position}, or null for -1: no room. */
    private Reservation reservation(long position, int length) {
        return position == -1 ? null
                : new Reservation(position, producer.data().asSlice(producer.payloadOffset(position), length), finisher);
    }

    /**
     * {@link #reserve(int)} without the {@link Reservation} object, in the shape of agrona's
     * tryClaim: the position of a record of {@code length} bytes, or -1 when there is none. Write
     * its payload in {@link #data()} from {@link #payloadOffset}, then {@link #submit(long, Wakeup)}
     * or {@link #discard(long, Wakeup)} it, once: a second call throws. For the hottest paths: a
     * reservation costs an allocation (about 72 bytes with its payload slice) that the JIT does
     * not always remove, this nothing; but nothing discards a record left unsubmitted, and
     * writes are checked against the ring, not the record.
     */
    public long reservePosition(int length) {
        checkProducing();
        return producer.reserve(length);
    }

    /** The ring's data area, mapped twice back to back: a record's payload is contiguous. */
    public MemorySegment data() {
        return producer.data();
    }

    /** Where the payload of the record reserved at {@code position} starts in {@link #data()}. */
    public long payloadOffset(long position) {
        return producer.payloadOffset(position);
    }

    /**
     * Submits the record reserved at {@code position} by {@link #reservePosition}.
     *
     * @throws IllegalStateException when it was submitted or discarded already, or never reserved
     */
    public void submit(long position, Wakeup wakeup) {
        finish(position, wakeup, false);
    }

    /**
     * Discards the record reserved at {@code position} by {@link #reservePosition}: the consumer
     * skips it.
     *
     * @throws IllegalStateException when it was submitted or discarded already, or never reserved
     */
    public void discard(long position, Wakeup wakeup) {
        finish(position, wakeup, true);
    }

    /** Submits or discards the record at {@code position}, and wakes the consumer if the producer says so. */
    private void finish(long position, Wakeup wakeup, boolean discard) {
        checkOpen();
        if (discard ? producer.discard(position, wakeup) : producer.submit(position, wakeup)) {
            wakeConsumer();
        }
    }

    /**
     * Copies {@code bytes} into a new record and submits it, with the adaptive wake-up: the
     * kernel's bpf_ringbuf_output.
     *
     * @return false when the ring was full, or the lock stayed held (see {@link #reserve(int)})
     */
    public boolean output(byte[] bytes) {
        checkProducing();
        long position = producer.reserve(bytes.length);
        if (position == -1) {
            return false;
        }
        MemorySegment.copy(bytes, 0, producer.data(), JAVA_BYTE, producer.payloadOffset(position), bytes.length);
        finish(position, Wakeup.ADAPTIVE, false);
        return true;
    }

    /**
     * Out of line: the futex call would keep submit from being inlined where it is hot. The
     * reader's wakeup and close call it too.
     */
    void wakeConsumer() {
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

    /**
     * The ring's reader, delivering every record to {@code handler}: one at a time per ring (a
     * second is refused until the first is closed). Closing the reader leaves the ring open;
     * closing the ring closes its reader.
     *
     * @throws IllegalStateException if the ring has an open reader
     * @throws ClosedException       if the ring is closed
     */
    public MemoryRingReader reader(RecordHandler handler) {
        return attach(new MemoryRingReader(this, handler, null));
    }

    /**
     * Like {@link #reader(RecordHandler)}, with a handler that says of each record whether it took
     * it: an aborted record stays in the ring, and the next poll delivers it again.
     */
    public MemoryRingReader controlledReader(ControlledRecordHandler handler) {
        return attach(new MemoryRingReader(this, null, handler));
    }

    private MemoryRingReader attach(MemoryRingReader reader) {
        checkOpen();
        if (!this.reader.compareAndSet(null, reader)) {
            throw new IllegalStateException(name + " has a reader already: one consumer at a time. Close it first");
        }
        if (uses.isClosed()) { // closed meanwhile: its close may not have seen this reader
            reader.closeWithRing();
            throw new ClosedException("the ring is closed");
        }
        return reader;
    }

    /** Called when {@code reader} is released: the ring may have another. */
    void detach(MemoryRingReader reader) {
        this.reader.compareAndSet(reader, null);
    }

    RingConsumer consumer() {
        return consumer;
    }

    /** Starts a consumer call, which keeps the ring mapped until {@link #leave()}. */
    void enter() {
        if (!uses.enter()) {
            throw new ClosedException("the ring is closed");
        }
    }

    void leave() {
        uses.leave();
    }

    /** The wake word's count, read before the consumer's last look at the ring; the caller holds a use. */
    int wakeCount() {
        // Close and commits bump the word after they publish: if this read comes before the bump,
        // the futex sees the word changed and does not sleep.
        return (int) INT.getAcquire(consumerPage, WAKE);
    }

    /**
     * Sleeps on the wake word while it still reads {@code seen}, at most {@code timeoutNanos}
     * (negative: no limit); the caller holds a use.
     */
    void awaitWake(int seen, long timeoutNanos) {
        // A reservation left by a process that died wakes nobody: look again now and then.
        if (shared && consumer.reservedBy() != 0) {
            timeoutNanos = timeoutNanos < 0 ? ABANDONED_CHECK_NANOS : Math.min(timeoutNanos, ABANDONED_CHECK_NANOS);
        }
        Sys.futexWait(consumerPage.asSlice(WAKE, 4), seen, timeoutNanos);
    }

    /** Skips a record whose producer process is gone, in a shared file; returns whether it did. */
    boolean skipAbandoned() {
        if (!shared) {
            return false;
        }
        int owner = consumer.reservedBy();
        if (owner == 0 || alive(owner) || !consumer.discardAbandoned(owner)) {
            return false;
        }
        abandoned++;
        return true;
    }

    /** Records skipped because the process that reserved them died before submitting. */
    public long abandoned() {
        return abandoned;
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
            throw new ClosedException("the ring is closed");
        }
    }

    /** Checks that the ring is open and, if it is a shared file, that no newer ring replaced it at its path. */
    private void checkProducing() {
        checkOpen();
        // Opaque: a plain read could be hoisted out of a caller's loop, and no ordering is needed.
        if (shared && (int) INT.getOpaque(consumerPage, REPLACED_AT) != 0) {
            throw new IllegalStateException(name + " was created anew (MemoryRing.create) after this process opened"
                    + " it: this ring is no longer the one at that path, and its consumer has gone. Open the file again");
        }
    }

    /**
     * Closes the ring for every thread, and its reader. A poll sleeping on another thread wakes at
     * once, delivers what is committed and returns; the ring is unmapped when the last call using it (a
     * consumer call, a producer's wake-up) returns, at once when none runs. Any thread may call
     * it, a handler too, and more than once. A shared file stays for the other processes (their consumer may see one spurious
     * wake-up).
     */
    @Override
    public void close() {
        if (uses.close()) {
            closed = true;
            try {
                // After the use count closed: a reader attached from here on finds it so.
                MemoryRingReader open = reader.get();
                if (open != null) {
                    open.closeWithRing();
                }
                wake();
            } finally {
                uses.leave();
            }
        }
    }
}
