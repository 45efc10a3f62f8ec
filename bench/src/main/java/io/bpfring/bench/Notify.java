package io.bpfring.bench;

import java.util.Locale;

/** How the producer wakes the consumer. */
public enum Notify {
    /**
     * Ring buffer: the kernel's adaptive wake-up (only when the consumer has caught up);
     * perf buffer: a wake-up per sample.
     */
    DEFAULT,
    /**
     * Ring buffer: {@code BPF_RB_NO_WAKEUP} until {@code bpf_ringbuf_query(BPF_RB_AVAIL_DATA)}
     * passes a threshold, then {@code BPF_RB_FORCE_WAKEUP}; perf buffer: {@code wakeup_events} N.
     */
    SAMPLED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Notify ofLabel(String label) {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
