package io.bpfring.cli.execsnoop;

import io.bpfring.ring.RecordView;

/**
 * One exec, as the BPF program writes it: {@code struct event { int pid; char comm[16]; char
 * filename[512]; }} (532 bytes: larger than the 512-byte BPF stack, so it is built in place).
 */
public record ExecEvent(int pid, String comm, String filename) {
    public static final int COMM_OFFSET = 4;
    public static final int COMM_SIZE = 16;
    public static final int FILENAME_OFFSET = COMM_OFFSET + COMM_SIZE;
    public static final int FILENAME_SIZE = 512;
    public static final int SIZE = FILENAME_OFFSET + FILENAME_SIZE;

    public static ExecEvent read(RecordView record) {
        return new ExecEvent(record.getInt(0), record.getString(COMM_OFFSET, COMM_SIZE),
                record.getString(FILENAME_OFFSET, FILENAME_SIZE));
    }
}
