package io.bpfring.ring;

/**
 * The BPF ring buffer's record format, as kernel/bpf/ringbuf.c defines it.
 *
 * <p>A record is an 8-byte header {@code {u32 len; u32 pg_off}} followed by {@code len} bytes
 * of payload; records start 8-byte aligned. Two bits of {@code len} carry its state.
 */
public final class RingLayout {
    /** Size of the record header. */
    public static final int HEADER_SIZE = 8;
    /** Set while the record is reserved and not yet submitted. */
    public static final int BUSY_BIT = 1 << 31;
    /** Set when the record was discarded: the consumer skips it. */
    public static final int DISCARD_BIT = 1 << 30;
    /** The bits of the header word that hold the payload length. */
    public static final int LENGTH_MASK = ~(BUSY_BIT | DISCARD_BIT);
    /**
     * What space no producer has claimed holds in a ring whose consumer reclaims it (see
     * {@link RingConsumer#reclaiming}): every 32-bit word, so every 8-byte position a record can
     * start at, reads as a BUSY header until a producer submits a record there.
     */
    public static final byte UNCLAIMED = (byte) 0x80;

    private RingLayout() {
    }

    /** The ring bytes a record of {@code length} payload bytes occupies: header included, 8-aligned. */
    public static long span(long length) {
        return (length + HEADER_SIZE + 7) & ~7L;
    }

    /**
     * The largest payload a record can have in a ring of {@code size} bytes: the kernel keeps
     * the producer less than a whole ring ahead, so a record spans at most size - 8.
     */
    public static int maxLength(long size) {
        return (int) (size - 2 * HEADER_SIZE);
    }

    /** Whether {@code size} is a valid ring data size: a power of 2 and a multiple of the page size. */
    public static boolean isValidSize(long size, long pageSize) {
        return size > 0 && Long.bitCount(size) == 1 && size % pageSize == 0;
    }
}
