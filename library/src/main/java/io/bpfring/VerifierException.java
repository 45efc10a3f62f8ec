package io.bpfring;

/** The kernel refused a program; {@link #log()} holds the verifier's explanation. */
public final class VerifierException extends SyscallException {
    private final String log;

    /**
     * @param program the program's name
     * @param errno   what {@code BPF_PROG_LOAD} returned
     * @param log     the verifier's log
     */
    public VerifierException(String program, int errno, String log) {
        super("bpf(BPF_PROG_LOAD '" + program + "')", errno,
                "the verifier rejected the program:\n" + tail(log));
        this.log = log;
    }

    /** The whole verifier log. */
    public String log() {
        return log;
    }

    // The reason is at the end of the log; a long log is cut from the front in the message only.
    private static String tail(String log) {
        int max = 4000;
        return log.length() <= max ? log : "...\n" + log.substring(log.length() - max);
    }
}
