package io.bpfring.ringbuf;

/**
 * Who decides when a ring's consumer is woken, which decides how {@link RingBufReader#poll}
 * waits for that ring.
 */
public enum Notification {
    /**
     * The kernel's adaptive wake-up: the program commits with flags 0, and the kernel wakes the
     * consumer when it commits the record the consumer waits at. Before sleeping, the reader
     * fences and looks once more, so a commit that raced with its last consumer position is
     * never left waiting. Polls consume first and sleep only when the ring is empty.
     */
    ADAPTIVE,
    /**
     * The program passes {@code BPF_RB_NO_WAKEUP} and {@code BPF_RB_FORCE_WAKEUP} itself (for
     * example a wake-up per N records, or past a fill level). Polls wait on epoll first, as
     * libbpf's {@code ring_buffer__poll} does, and read what is there when woken; records
     * committed without a wake-up wait for the next one or the poll's timeout. Chasing them
     * eagerly instead would keep the consumer on the producer's cache lines and slow it down.
     */
    PRODUCER_CONTROLLED
}
