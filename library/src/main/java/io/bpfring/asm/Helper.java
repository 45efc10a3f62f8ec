package io.bpfring.asm;

/**
 * BPF helper functions bpfring's programs call, with their ids ({@code enum bpf_func_id}). The
 * wake-up flags of the ring buffer's submit, discard and output are {@code
 * io.bpfring.ring.Wakeup}'s {@code flags()}.
 */
public enum Helper {
    MAP_LOOKUP_ELEM(1),
    KTIME_GET_NS(5),
    GET_SMP_PROCESSOR_ID(8),
    GET_CURRENT_PID_TGID(14),
    GET_CURRENT_COMM(16),
    PERF_EVENT_OUTPUT(25),
    PROBE_READ_KERNEL_STR(115),
    SEQ_WRITE(127),
    RINGBUF_OUTPUT(130),
    RINGBUF_RESERVE(131),
    RINGBUF_SUBMIT(132),
    RINGBUF_DISCARD(133),
    RINGBUF_QUERY(134),
    GET_ATTACH_COOKIE(174),
    DYNPTR_READ(201),
    USER_RINGBUF_DRAIN(209);

    /** perf_event_output flag: write to the buffer of the CPU the program runs on. Load it with loadImm64. */
    public static final long F_CURRENT_CPU = 0xffffffffL;
    /** bpf_ringbuf_query flag: the bytes committed and not yet consumed. */
    public static final long RB_AVAIL_DATA = 0;

    private final int id;

    Helper(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }
}
