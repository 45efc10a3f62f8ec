package io.bpfring.ring;

/**
 * Whether a producer that submits, discards or outputs a record wakes the consumer: the flags of
 * the kernel's {@code bpf_ringbuf_submit}, {@code bpf_ringbuf_discard} and {@code
 * bpf_ringbuf_output} ({@code BPF_RB_NO_WAKEUP} and {@code BPF_RB_FORCE_WAKEUP} in
 * include/uapi/linux/bpf.h), for Java producers and for BPF programs assembled in Java alike.
 *
 * <p>A producer that leaves the consumer unwoken ({@link #NO_WAKEUP}) must wake it later
 * ({@link #FORCE_WAKEUP}), or the consumer must look by itself: batching producers do the first,
 * spinning consumers the second.
 */
public enum Wakeup {
    /**
     * Flags 0, the kernel's default: wake the consumer only if it waits at this very record (it
     * had caught up, and may sleep).
     */
    ADAPTIVE(0),
    /** {@code BPF_RB_NO_WAKEUP}: do not wake the consumer. */
    NO_WAKEUP(1),
    /** {@code BPF_RB_FORCE_WAKEUP}: wake the consumer whatever its position. */
    FORCE_WAKEUP(2);

    private final long flags;

    Wakeup(long flags) {
        this.flags = flags;
    }

    /** The kernel's flags value, as a BPF program passes it to the ring buffer helpers. */
    public long flags() {
        return flags;
    }
}
