package io.bpfring;

/**
 * The ring's contents break the protocol: a record length that runs past the producer position
 * or the ring, positions that are not aligned or not within one ring of each other, a header
 * that cannot be what a producer wrote. The message names the position and the field. The
 * consumer stops before delivering anything of the bad record or reading outside the ring; the
 * consumer position stays at the bad record, and the consumer reports the same corruption on
 * every later call rather than read on.
 */
public final class CorruptRingException extends BpfException {
    public CorruptRingException(String message) {
        super(message);
    }

    /** The same corruption reported again: {@code first} is where it was found. */
    public CorruptRingException(String message, CorruptRingException first) {
        super(message, first);
    }
}
