package io.bpfring.bpf;

import java.lang.foreign.MemorySegment;

/** BPF program types bpfring loads, with their kernel ids ({@code enum bpf_prog_type}). */
public enum ProgramType {
    /** Attached to a tracepoint; its context is the tracepoint's raw record (see {@link Tracepoint}). */
    TRACEPOINT(5, 0),
    /**
     * Attached to a raw tracepoint; its context is the tracepoint's u64 arguments. Also run on
     * demand, on a chosen CPU, with {@link BpfProgram#testRun(MemorySegment, int)}.
     */
    RAW_TRACEPOINT(17, 0),
    /**
     * Run on demand with {@link BpfProgram#testRun}; its context is bytes the caller passes.
     * The kernel loads these only as sleepable programs (BPF_F_SLEEPABLE).
     */
    SYSCALL(31, 1 << 4);

    private final int id;
    private final int loadFlags;

    ProgramType(int id, int loadFlags) {
        this.id = id;
        this.loadFlags = loadFlags;
    }

    /** The {@code prog_flags} this type must be loaded with. */
    int loadFlags() {
        return loadFlags;
    }

    public int id() {
        return id;
    }
}
