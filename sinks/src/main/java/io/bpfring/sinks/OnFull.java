package io.bpfring.sinks;

import java.util.Locale;

/** What a sink does with a record that finds its queue full. */
public enum OnFull {
    /**
     * Refuse it, count it as dropped, warn once: the ring keeps flowing and the other sinks still
     * get the record. The default.
     */
    DROP,
    /**
     * Wait for room: nothing is dropped by the sink, but the thread reading the ring waits with
     * it, and a ring that is not read fills and loses records in the kernel (counted as lost).
     */
    BLOCK;

    /** {@code drop} or {@code block}. */
    public static OnFull parse(String text) {
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "drop" -> DROP;
            case "block" -> BLOCK;
            default -> throw new SinkException("--on-full takes drop or block, not '" + text + "'");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
