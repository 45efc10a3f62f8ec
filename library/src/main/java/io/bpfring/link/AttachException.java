package io.bpfring.link;

import io.bpfring.SyscallException;

/**
 * A program could not be attached: names the program, the target, the errno and what to do.
 * {@link #errno()} is the kernel's answer, or {@code EOPNOTSUPP} when bpfring found the kernel
 * lacks the attach kind before asking it.
 */
public final class AttachException extends SyscallException {
    AttachException(String call, int errno, String advice) {
        super(call, errno, advice);
    }
}
