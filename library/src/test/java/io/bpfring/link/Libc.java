package io.bpfring.link;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** libc functions the tests call through the native linker, to hit probes and tracepoints on purpose. */
final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle GETPID = function("getpid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETPPID = function("getppid", FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle SOCKET = function("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = function("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = function("getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CLOSE = function("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

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

    /** A UDP socket of this process's own, not Java's, bound to 127.0.0.1 on a free port. */
    record UdpSocket(int fd, int port) implements AutoCloseable {
        static UdpSocket open() {
            try (Arena arena = Arena.ofConfined()) {
                int fd = (int) SOCKET.invokeExact(2, 2, 0); // AF_INET, SOCK_DGRAM
                if (fd < 0) {
                    throw new AssertionError("socket() failed");
                }
                // struct sockaddr_in: family, port and address in network order, zero padding.
                MemorySegment address = arena.allocate(16);
                address.set(JAVA_BYTE, 0, (byte) 2);
                address.setAtIndex(JAVA_BYTE, 4, (byte) 127);
                address.setAtIndex(JAVA_BYTE, 7, (byte) 1);
                MemorySegment length = arena.allocateFrom(JAVA_INT, 16);
                if ((int) BIND.invokeExact(fd, address, 16) != 0
                        || (int) GETSOCKNAME.invokeExact(fd, address, length) != 0) {
                    throw new AssertionError("bind() or getsockname() failed");
                }
                return new UdpSocket(fd, (address.get(JAVA_BYTE, 2) & 0xff) << 8 | address.get(JAVA_BYTE, 3) & 0xff);
            } catch (Throwable t) {
                throw t instanceof AssertionError a ? a : new AssertionError(t);
            }
        }

        @Override
        public void close() {
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable t) {
                throw new AssertionError(t);
            }
        }
    }
}
