package io.bpfring;

/**
 * The ring's contents break the protocol: a record length that runs past the producer position
 * or the ring, or positions that cannot be. The consumer stops before reading anything outside
 * the ring; the consumer position stays at the bad record.
 */
public final class CorruptRingException extends BpfException {
    public CorruptRingException(String message) {
        super(message);
    }
}
