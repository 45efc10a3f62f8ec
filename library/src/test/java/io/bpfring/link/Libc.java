package io.bpfring.link;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/** libc functions the tests call through the native linker, to hit probes and tracepoints on purpose. */
final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETPID = function("getpid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETPPID = function("getppid", FunctionDescriptor.of(JAVA_INT));

    /** getppid's system call number, as raw_syscalls/sys_enter passes it. */
    static final int GETPPID_NR = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> 110;
        default -> 173; // the generic table: aarch64, riscv64, loongarch64
    };

    private Libc() {
    }

    private static MethodHandle function(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
    }

    /** libc's getpid(), which a uprobe on {@code libc.so.6:getpid} sees. */
    static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** getppid(2), a system call the JVM makes on its own hardly ever. */
    static int getppid() {
        try {
            return (int) GETPPID.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    static void getppid(int times) {
        for (int i = 0; i < times; i++) {
            getppid();
        }
    }
}
