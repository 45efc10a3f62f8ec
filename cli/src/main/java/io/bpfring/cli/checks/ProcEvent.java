package io.bpfring.cli.checks;

import io.bpfring.ring.RecordView;

/**
 * A process lifecycle event as the order-check programs write it:
 * {@code struct { u64 ts; u32 type; u32 pid; u32 cpu; u32 pad; }}.
 */
record ProcEvent(long ts, int type, int pid, int cpu) {
    static final int FORK = 1;
    static final int EXEC = 2;
    static final int EXIT = 3;
    static final int SIZE = 24;

    static ProcEvent read(RecordView record) {
        return new ProcEvent(record.getLong(0), record.getInt(8), record.getInt(12), record.getInt(16));
    }
}
