package io.bpfring.bpf;

import io.bpfring.SyscallException;

/** The kernel refused a BTF blob; {@link #log()} holds its explanation. */
public final class BtfLoadException extends SyscallException {
    private final String log;

    BtfLoadException(int errno, String log) {
        super("bpf(BPF_BTF_LOAD)", errno, log.isEmpty() ? "the kernel refused the BTF and logged nothing"
                : "the kernel refused the BTF:\n" + tail(log));
        this.log = log;
    }

    /** The whole log, empty when the kernel wrote none. */
    public String log() {
        return log;
    }

    // The reason is at the end of the log, after the types it read.
    private static String tail(String log) {
        int max = 2000;
        return log.length() <= max ? log : "...\n" + log.substring(log.length() - max);
    }
}
