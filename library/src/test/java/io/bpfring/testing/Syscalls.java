package io.bpfring.testing;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/** System calls that tests make for their tracepoints alone: a program attached there runs. */
public final class Syscalls {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETPGID = LINKER.downcallHandle(
            LINKER.defaultLookup().find("getpgid").orElseThrow(() -> new UnsatisfiedLinkError("libc has no getpgid")),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private Syscalls() {
    }

    /** getpgid(2) of {@code pid} (0: this process), which fires {@code syscalls/sys_enter_getpgid}. */
    public static int getpgid(int pid) {
        try {
            return (int) GETPGID.invokeExact(pid);
        } catch (Throwable t) {
            throw new IllegalStateException("getpgid failed to run", t);
        }
    }
}
