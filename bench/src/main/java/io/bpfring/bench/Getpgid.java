package io.bpfring.bench;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * getpgid(2), the benchmark's trigger: a cheap system call whose tracepoint the benchmark's
 * program is attached to. Called for its tracepoint alone, so its result is not looked at.
 */
final class Getpgid {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETPGID = LINKER.downcallHandle(
            LINKER.defaultLookup().find("getpgid").orElseThrow(() -> new UnsatisfiedLinkError("libc has no getpgid")),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private Getpgid() {
    }

    /** getpgid of {@code pid} (0: this process). */
    static int call(int pid) {
        try {
            return (int) GETPGID.invokeExact(pid);
        } catch (Throwable t) {
            throw new IllegalStateException("getpgid failed to run", t);
        }
    }
}
