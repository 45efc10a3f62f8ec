package io.bpfring.ring;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A record reserved in a ring, to be written in place and then submitted or discarded once: the
 * kernel's {@code bpf_ringbuf_reserve} / {@code submit} / {@code discard}, in the shape of
 * agrona's tryClaim / commit / abort. A reservation that is neither submitted nor discarded holds
 * back every record reserved after it, so it is {@link AutoCloseable}: in a try-with-resources
 * block, one left unsubmitted (say, as writing it threw) is discarded.
 *
 * {@snippet :
 * try (Reservation record = ring.reserve(16)) {   // null when the ring has no room
 *     record.payload().set(JAVA_LONG_UNALIGNED, 0, 42L);
 *     record.submit();
 * }
 * }
 *
 * <p>For one thread at a time. {@code MemoryRing} and {@code UserRingBufWriter} hand them out; a
 * ring of one's own over a {@link RingProducer} makes them with the step that submits or
 * discards there.
 */
public final class Reservation implements AutoCloseable {
    /**
     * Submits or discards the record at a position: {@link RingProducer#submit} or {@link
     * RingProducer#discard}, and whatever its ring does around them (check that it is open, wake
     * its consumer).
     */
    @FunctionalInterface
    public interface Finisher {
        void finish(long position, Wakeup wakeup, boolean discard);
    }

    private final long position;
    private final MemorySegment payload;
    private final Finisher finisher;
    /** null while open; then what was done, for the message of a second attempt. */
    private String done;

    /**
     * The record reserved at {@code position} (see {@link RingProducer#reserve(int)}).
     *
     * @param payload exactly the record's payload bytes, as {@link #payload()} gives them
     */
    public Reservation(long position, MemorySegment payload, Finisher finisher) {
        this.position = position;
        this.payload = Objects.requireNonNull(payload, "payload");
        this.finisher = Objects.requireNonNull(finisher, "finisher");
    }

    /**
     * The payload, in the ring: exactly the length reserved, so a write outside it throws
     * {@link IndexOutOfBoundsException} and never reaches another record. Write it before the
     * submit; after the submit the record is the consumer's.
     */
    public MemorySegment payload() {
        return payload;
    }

    /** Submits the record with the kernel's adaptive wake-up ({@link Wakeup#ADAPTIVE}). */
    public void submit() {
        submit(Wakeup.ADAPTIVE);
    }

    /**
     * Submits the record: the consumer may read it. A user ring buffer's consumer is a BPF
     * program that drains it when it runs, with nobody to wake: there {@code wakeup} does nothing.
     *
     * @throws IllegalStateException when it was submitted or discarded already
     */
    public void submit(Wakeup wakeup) {
        finish(wakeup, false);
    }

    /** Discards the record with the kernel's adaptive wake-up: the consumer skips it. */
    public void discard() {
        discard(Wakeup.ADAPTIVE);
    }

    /**
     * Discards the record: the consumer skips it, and reads the records after it.
     *
     * @throws IllegalStateException when it was submitted or discarded already
     */
    public void discard(Wakeup wakeup) {
        finish(wakeup, true);
    }

    /** Discards the record unless it was submitted or discarded already. */
    @Override
    public void close() {
        if (done == null) {
            discard();
        }
    }

    private void finish(Wakeup wakeup, boolean discard) {
        Objects.requireNonNull(wakeup, "wakeup");
        if (done != null) {
            throw new IllegalStateException("the record reserved at position " + Long.toUnsignedString(position)
                    + " was " + done + " already: submit or discard a reservation once");
        }
        // Marked first: a step that failed (the ring was closed under it) is not taken again, by close either.
        done = discard ? "discarded" : "submitted";
        finisher.finish(position, wakeup, discard);
    }

    @Override
    public String toString() {
        return "record of " + payload.byteSize() + " bytes reserved at position " + Long.toUnsignedString(position)
                + (done == null ? "" : ", " + done);
    }
}
