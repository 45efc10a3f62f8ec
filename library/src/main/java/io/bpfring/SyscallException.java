package io.bpfring;

/**
 * A system call failed: names the call, the errno and what to do about it, as in
 * {@code bpf(BPF_MAP_CREATE RINGBUF 'events') failed: EPERM: operation not permitted: run as root...}.
 *
 * <p>Not sealed: a failure of one kind of call that says more (the verifier's log of a program
 * load) extends it, so that catching this class still catches every failed call.
 */
public non-sealed class SyscallException extends BpfException {
    private final String call;
    private final int errno;

    public SyscallException(String call, int errno) {
        this(call, errno, Errno.advice(errno));
    }

    /** For callers that know better advice than the errno alone gives. */
    public SyscallException(String call, int errno, String advice) {
        super(call + " failed: " + Errno.name(errno) + ": " + advice);
        this.call = call;
        this.errno = errno;
    }

    /** The call that failed, e.g. {@code bpf(BPF_MAP_CREATE)}. */
    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }

    /** The symbolic errno, e.g. {@code EPERM}. */
    public String errnoName() {
        return Errno.name(errno);
    }
}
