package io.bpfring.sys;

/** A system call failed: names the call, the errno and what to do about it. */
public class SysException extends RuntimeException {
    private final String call;
    private final int errno;

    public SysException(String call, int errno) {
        this(call, errno, Errno.advice(errno));
    }

    /** For callers that know better advice than the errno alone gives. */
    public SysException(String call, int errno, String advice) {
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
