package io.bpfring.sys;

import io.bpfring.Errno;
import io.bpfring.SyscallException;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The one place that talks to the native linker: thin wrappers over the system calls bpfring
 * needs. Every failure becomes a {@link SyscallException} that names the call and the errno.
 *
 * <p>Nothing here knows what BPF means; the callers give each call its name for the message.
 */
public final class Sys {
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int O_CLOEXEC = 0x80000;
    public static final int O_NONBLOCK = 0x800;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0x40;
    private static final int MAP_PRIVATE = 2;
    private static final int MAP_FIXED = 0x10;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int PROT_NONE = 0;
    private static final int MFD_CLOEXEC = 1;
    private static final int FUTEX_WAIT = 0;
    private static final int FUTEX_WAKE = 1;
    private static final int LOCK_EX = 2;
    private static final int LOCK_NB = 4;
    private static final int AT_FDCWD = -100;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int STATX_INO = 0x100;
    private static final int STATX_SIZE = 0x200;
    /** struct statx (include/uapi/linux/stat.h): its size, and the fields read here. */
    private static final long STATX_BYTES = 256;
    private static final long STX_INO = 32;
    private static final long STX_SIZE = 40;
    private static final long STX_DEV_MAJOR = 136;
    private static final long STX_DEV_MINOR = 140;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    // Each thread gets its own errno capture buffer, so no call allocates.
    private static final ThreadLocal<MemorySegment> CAPTURE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE_LAYOUT));

    private static final Arch ARCH = Arch.current();

    private static final MethodHandle SYSCALL = downcall("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(1));
    private static final MethodHandle MMAP = downcall("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = downcall("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle CLOSE = downcall("close",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle IOCTL = downcall("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle EPOLL_CREATE1 = downcall("epoll_create1",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EPOLL_CTL = downcall("epoll_ctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle EPOLL_WAIT = downcall("epoll_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle EVENTFD = downcall("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = downcall("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle MOUNT = downcall("mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle MEMFD_CREATE = downcall("memfd_create",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FTRUNCATE = downcall("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle FLOCK = downcall("flock",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle STATX = downcall("statx",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle SYSCONF = downcall("sysconf",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT));
    private static final MethodHandle SETSOCKOPT = downcall("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle FCNTL = downcall("fcntl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final int F_DUPFD_CLOEXEC = 1030;

    private static final int SC_PAGESIZE = 30;
    private static final long PAGE_SIZE = sysconf(SC_PAGESIZE);

    private Sys() {
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        all[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(options, 0, all, 1, options.length);
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, all);
    }

    private static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /** The size of a memory page. */
    public static long pageSize() {
        return PAGE_SIZE;
    }

    /**
     * bpf(2). Returns the non-negative result (an fd for commands that create objects).
     *
     * @param what names the command in the error message, e.g. "bpf(BPF_MAP_CREATE)"
     */
    public static int bpf(int cmd, MemorySegment attr, String what) {
        return (int) checked(bpfOrErrno(cmd, attr), what);
    }

    /** bpf(2) that reports failure instead of throwing: the result, or -errno. */
    public static int bpfOrErrno(int cmd, MemorySegment attr) {
        return (int) syscall(ARCH.bpf, cmd, attr.address(), attr.byteSize(), 0, 0);
    }

    private static final long PERF_FLAG_FD_CLOEXEC = 8;

    /**
     * perf_event_open(2) of an event on all processes of {@code cpu}, sampling every event,
     * enabled at once; returns the new fd.
     *
     * @param sampleType   {@code PERF_SAMPLE_*} bits
     * @param flags        {@code perf_event_attr} flag bits ({@link PerfEvent.Attr#WATERMARK} ...)
     * @param wakeupEvents wake readers after this many samples (or bytes, with a watermark)
     */
    public static int perfEventOpen(int type, long config, long sampleType, long flags, int wakeupEvents, int cpu,
                                    String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(PerfEvent.Attr.LAYOUT);
            PerfEvent.Attr.TYPE.set(attr, type);
            PerfEvent.Attr.SIZE.set(attr, (int) attr.byteSize());
            PerfEvent.Attr.CONFIG.set(attr, config);
            PerfEvent.Attr.SAMPLE_PERIOD.set(attr, 1L);
            PerfEvent.Attr.SAMPLE_TYPE.set(attr, sampleType);
            PerfEvent.Attr.FLAGS.set(attr, flags);
            PerfEvent.Attr.WAKEUP_EVENTS.set(attr, wakeupEvents); // wakeup_watermark with WATERMARK
            return (int) checked(syscall(ARCH.perfEventOpen, attr.address(), -1, cpu, -1, PERF_FLAG_FD_CLOEXEC), what);
        }
    }

    /**
     * perf_event_open(2) of the event {@code attr} describes (a {@link PerfEvent.Attr}) for process
     * {@code pid} (-1: every process) on {@code cpu} (-1: every CPU), with no group; the new fd, or
     * -errno, for callers that explain each errno themselves.
     */
    public static int perfEventOpenOrErrno(MemorySegment attr, int pid, int cpu) {
        return (int) syscall(ARCH.perfEventOpen, attr.address(), pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
    }

    /** syscall(2): the result, or -errno. */
    private static long syscall(long number, long a, long b, long c, long d, long e) {
        MemorySegment capture = CAPTURE.get();
        try {
            return orErrno((long) SYSCALL.invokeExact(capture, number, a, b, c, d, e), capture);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A libc result of -1 becomes -errno; anything else stays. */
    private static long orErrno(long result, MemorySegment capture) {
        return result < 0 ? -errno(capture) : result;
    }

    private static long checked(long resultOrErrno, String what) {
        if (resultOrErrno < 0) {
            throw new SyscallException(what, (int) -resultOrErrno);
        }
        return resultOrErrno;
    }

    /**
     * mmap(2) of {@code length} bytes of {@code fd} at {@code offset}, unmapped when {@code arena}
     * closes. Access after that is an {@link IllegalStateException}, never a fault.
     */
    public static MemorySegment map(Arena arena, int fd, long length, long offset, int prot, String what) {
        return mmap(MemorySegment.NULL, length, prot, MAP_SHARED, fd, offset, what)
                .reinterpret(length, arena, Sys::unmap);
    }

    /**
     * Maps {@code headBytes} of {@code fd} followed by its next {@code dataBytes} twice, back to
     * back: [head][data][data again], as the kernel maps a BPF ring buffer, so that a record
     * that runs past the end of the data is contiguous. Unmapped when {@code arena} closes.
     */
    public static MemorySegment mapDoubled(Arena arena, int fd, long headBytes, long dataBytes, String what) {
        long total = headBytes + 2 * dataBytes;
        MemorySegment region = mmap(MemorySegment.NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, what);
        try {
            int prot = PROT_READ | PROT_WRITE;
            mmap(region, headBytes + dataBytes, prot, MAP_SHARED | MAP_FIXED, fd, 0, what);
            mmap(MemorySegment.ofAddress(region.address() + headBytes + dataBytes), dataBytes, prot,
                    MAP_SHARED | MAP_FIXED, fd, headBytes, what);
        } catch (SyscallException e) {
            unmap(region.reinterpret(total));
            throw e;
        }
        return region.reinterpret(total, arena, Sys::unmap);
    }

    private static MemorySegment mmap(MemorySegment at, long length, int prot, int flags, int fd, long offset,
                                      String what) {
        MemorySegment capture = CAPTURE.get();
        MemorySegment address;
        try {
            address = (MemorySegment) MMAP.invokeExact(capture, at, length, prot, flags, fd, offset);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        if (address.address() == -1L) {
            throw new SyscallException(what, errno(capture));
        }
        return address;
    }

    /** memfd_create(2): an anonymous file, closed on exec. */
    public static int memfdCreate(String name) {
        MemorySegment capture = CAPTURE.get();
        int result;
        try (Arena arena = Arena.ofConfined()) {
            result = (int) MEMFD_CREATE.invokeExact(capture, arena.allocateFrom(name), MFD_CLOEXEC);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return (int) checked(orErrno(result, capture), "memfd_create(" + name + ")");
    }

    /** open(2) read-only, of a file or a directory, closed on exec: the fd, or -errno. */
    public static int openReadOnlyOrErrno(String path) {
        MemorySegment capture = CAPTURE.get();
        int result;
        try (Arena arena = Arena.ofConfined()) {
            result = (int) OPEN.invokeExact(capture, arena.allocateFrom(path), O_CLOEXEC, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return (int) orErrno(result, capture);
    }

    /** open(2) read-write, creating the file (mode 0600) when {@code create}. */
    public static int open(String path, boolean create) {
        MemorySegment capture = CAPTURE.get();
        int result;
        try (Arena arena = Arena.ofConfined()) {
            result = (int) OPEN.invokeExact(capture, arena.allocateFrom(path), O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0),
                    0600);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return (int) checked(orErrno(result, capture), "open(" + path + ")");
    }

    /** ftruncate(2). */
    public static void ftruncate(int fd, long length, String what) {
        MemorySegment capture = CAPTURE.get();
        int result;
        try {
            result = (int) FTRUNCATE.invokeExact(capture, fd, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        checked(orErrno(result, capture), what);
    }

    /**
     * flock(LOCK_EX | LOCK_NB): takes the exclusive lock on the open file of {@code fd} if nobody
     * holds it, and keeps it until every fd of that open file is closed (also when the process
     * dies). Returns false when someone else holds it.
     */
    public static boolean tryLockExclusive(int fd, String what) {
        MemorySegment capture = CAPTURE.get();
        int result;
        try {
            result = (int) FLOCK.invokeExact(capture, fd, LOCK_EX | LOCK_NB);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        long resultOrErrno = orErrno(result, capture);
        if (resultOrErrno == -Errno.EAGAIN) { // EWOULDBLOCK
            return false;
        }
        checked(resultOrErrno, what);
        return true;
    }

    /** A file's identity and size, from statx(2). */
    public record FileStat(long device, long inode, long size) {
        public boolean sameFile(FileStat other) {
            return device == other.device && inode == other.inode;
        }
    }

    /** statx(2) of the file open as {@code fd}. */
    public static FileStat stat(int fd, String what) {
        return statx(fd, "", AT_EMPTY_PATH, what);
    }

    /** statx(2) of the file at {@code path}, following symbolic links. */
    public static FileStat stat(String path) {
        return statx(AT_FDCWD, path, 0, "statx(" + path + ")");
    }

    private static FileStat statx(int dirFd, String path, int flags, String what) {
        MemorySegment capture = CAPTURE.get();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(STATX_BYTES, 8);
            int result;
            try {
                result = (int) STATX.invokeExact(capture, dirFd, arena.allocateFrom(path), flags, STATX_INO | STATX_SIZE,
                        buffer);
            } catch (Throwable t) {
                throw rethrow(t);
            }
            checked(orErrno(result, capture), what);
            long device = (buffer.get(JAVA_INT, STX_DEV_MAJOR) & 0xffffffffL) << 32
                    | buffer.get(JAVA_INT, STX_DEV_MINOR) & 0xffffffffL;
            return new FileStat(device, buffer.get(JAVA_LONG, STX_INO), buffer.get(JAVA_LONG, STX_SIZE));
        }
    }

    /** Closes {@code fd} when {@code arena} closes: for an fd that must live as long as a mapping. */
    public static void closeWith(Arena arena, int fd) {
        MemorySegment.NULL.reinterpret(arena, ignored -> close(fd));
    }

    /**
     * futex(FUTEX_WAIT) on a u32 in shared memory: sleeps while it holds {@code expected}, until
     * a {@link #futexWake} or {@code timeoutNanos} (negative: no limit). Works across processes
     * that map the same file. Returns at once when the value has changed already.
     */
    public static void futexWait(MemorySegment word, int expected, long timeoutNanos) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment timeout = MemorySegment.NULL;
            if (timeoutNanos >= 0) {
                timeout = arena.allocate(Timespec.LAYOUT);
                Timespec.TV_SEC.set(timeout, timeoutNanos / 1_000_000_000L);
                Timespec.TV_NSEC.set(timeout, timeoutNanos % 1_000_000_000L);
            }
            long result = syscall(ARCH.futex, word.address(), FUTEX_WAIT, expected, timeout.address(), 0);
            if (result < 0 && result != -Errno.EAGAIN && result != -Errno.EINTR && result != -Errno.ETIMEDOUT) {
                throw new SyscallException("futex(FUTEX_WAIT)", (int) -result);
            }
        }
    }

    /** futex(FUTEX_WAKE): wakes every waiter on {@code word}. */
    public static void futexWake(MemorySegment word) {
        checked(syscall(ARCH.futex, word.address(), FUTEX_WAKE, Integer.MAX_VALUE, 0, 0), "futex(FUTEX_WAKE)");
    }

    private static void unmap(MemorySegment mapping) {
        try {
            // The arena is closing: a failure here has nobody to report to and cannot happen
            // for a range that mmap returned.
            int ignored = (int) MUNMAP.invokeExact(CAPTURE.get(), mapping, mapping.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** close(2); closing -1 is a no-op. */
    public static void close(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            int ignored = (int) CLOSE.invokeExact(CAPTURE.get(), fd);
            // Linux releases the fd even when close reports an error (EINTR, EIO): never retry.
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** setsockopt(2) of an int option: 0, or -errno. */
    public static int setsockoptOrErrno(int fd, int level, int option, int value) {
        MemorySegment capture = CAPTURE.get();
        int result;
        try (Arena arena = Arena.ofConfined()) {
            result = (int) SETSOCKOPT.invokeExact(capture, fd, level, option, arena.allocateFrom(JAVA_INT, value),
                    (int) JAVA_INT.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return (int) orErrno(result, capture);
    }

    /** A second fd for the open file of {@code fd}, closed on exec (fcntl F_DUPFD_CLOEXEC). */
    public static int dup(int fd, String what) {
        MemorySegment capture = CAPTURE.get();
        int result;
        try {
            result = (int) FCNTL.invokeExact(capture, fd, F_DUPFD_CLOEXEC, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return (int) checked(orErrno(result, capture), what);
    }

    /** ioctl(2) with an integer argument. */
    public static int ioctl(int fd, long request, long arg, String what) {
        MemorySegment capture = CAPTURE.get();
        int result;
        try {
            result = (int) IOCTL.invokeExact(capture, fd, request, arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return (int) checked(orErrno(result, capture), what);
    }

    public static int epollCreate() {
        MemorySegment capture = CAPTURE.get();
        int result;
        try {
            result = (int) EPOLL_CREATE1.invokeExact(capture, O_CLOEXEC);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return (int) checked(orErrno(result, capture), "epoll_create1");
    }

    public static void epollCtl(int epfd, int op, int fd, MemorySegment event, String what) {
        MemorySegment capture = CAPTURE.get();
        int result;
        try {
            result = (int) EPOLL_CTL.invokeExact(capture, epfd, op, fd, event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        checked(orErrno(result, capture), what);
    }

    /** epoll_wait(2); an interrupted wait (EINTR) returns 0 events. */
    public static int epollWait(int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
        MemorySegment capture = CAPTURE.get();
        int result;
        try {
            result = (int) EPOLL_WAIT.invokeExact(capture, epfd, events, maxEvents, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        long resultOrErrno = orErrno(result, capture);
        return resultOrErrno == -Errno.EINTR ? 0 : (int) checked(resultOrErrno, "epoll_wait");
    }

    public static int eventfd(int flags) {
        MemorySegment capture = CAPTURE.get();
        int result;
        try {
            result = (int) EVENTFD.invokeExact(capture, 0, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return (int) checked(orErrno(result, capture), "eventfd");
    }

    /** read(2); returns the byte count, or -errno when the call failed. */
    public static long read(int fd, MemorySegment buffer) {
        MemorySegment capture = CAPTURE.get();
        long result;
        try {
            result = (long) READ.invokeExact(capture, fd, buffer, buffer.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return orErrno(result, capture);
    }

    /** write(2); returns the byte count, or -errno when the call failed. */
    public static long write(int fd, MemorySegment buffer) {
        MemorySegment capture = CAPTURE.get();
        long result;
        try {
            result = (long) WRITE.invokeExact(capture, fd, buffer, buffer.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return orErrno(result, capture);
    }

    /** mount(2) of a pseudo file system such as tracefs or bpffs. */
    public static void mount(String source, String target, String type) {
        MemorySegment capture = CAPTURE.get();
        int result;
        try (Arena arena = Arena.ofConfined()) {
            result = (int) MOUNT.invokeExact(capture, arena.allocateFrom(source), arena.allocateFrom(target),
                    arena.allocateFrom(type), 0L, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
        checked(orErrno(result, capture), "mount(" + type + " on " + target + ")");
    }

    private static long sysconf(int name) {
        try {
            return (long) SYSCONF.invokeExact(CAPTURE.get(), name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    /** System call numbers, which differ by architecture (there is no libc wrapper for these). */
    private record Arch(long bpf, long perfEventOpen, long futex) {
        static Arch current() {
            String arch = System.getProperty("os.arch");
            return switch (arch) {
                case "amd64", "x86_64" -> new Arch(321, 298, 202);
                case "aarch64", "arm64", "riscv64", "loongarch64" -> new Arch(280, 241, 98);
                default -> throw new UnsupportedOperationException(
                        "bpfring knows the system call numbers of x86_64, aarch64, riscv64 and loongarch64, not " + arch);
            };
        }
    }
}
