package io.bpfring;

/** Linux errno values: their names, and what a user can do about each. */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int ERANGE = 34;
    public static final int ENOSYS = 38;
    public static final int ENOTSOCK = 88;
    public static final int ETIMEDOUT = 110;
    public static final int EOPNOTSUPP = 95;
    /** The kernel-internal "not supported" that BPF map operations leak to user space. */
    public static final int ENOTSUPP = 524;

    private Errno() {
    }

    /** The symbolic name, such as {@code EPERM}, or {@code errno N} for one not listed here. */
    public static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case ESRCH -> "ESRCH";
            case EINTR -> "EINTR";
            case EIO -> "EIO";
            case ENXIO -> "ENXIO";
            case E2BIG -> "E2BIG";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case ENODEV -> "ENODEV";
            case ENOTDIR -> "ENOTDIR";
            case EINVAL -> "EINVAL";
            case EMFILE -> "EMFILE";
            case ENOSPC -> "ENOSPC";
            case ERANGE -> "ERANGE";
            case ENOSYS -> "ENOSYS";
            case ENOTSOCK -> "ENOTSOCK";
            case ETIMEDOUT -> "ETIMEDOUT";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case ENOTSUPP -> "ENOTSUPP";
            default -> "errno " + errno;
        };
    }

    /** What to do about it, in a sentence. */
    public static String advice(int errno) {
        return switch (errno) {
            case EPERM -> "operation not permitted: run as root, or grant CAP_BPF and CAP_PERFMON"
                    + " (CAP_SYS_ADMIN on kernels before 5.8)";
            case EACCES -> "permission denied: run as root; for a program load, read the verifier log";
            case ENOENT -> "no such object: the key, pinned path, tracepoint or CPU does not exist";
            case ESRCH -> "no such process";
            case EINTR -> "interrupted by a signal: try again";
            case EIO -> "I/O error in the kernel";
            case ENXIO -> "no such device or address";
            case E2BIG -> "too big: a size or count exceeds what the kernel allows";
            case EBADF -> "bad file descriptor: the object was already closed";
            case EAGAIN -> "resource temporarily unavailable: try again";
            case ENOMEM -> "out of memory: make the map or ring smaller, or raise the memory cgroup limit"
                    + " (RLIMIT_MEMLOCK on kernels before 5.11)";
            case EFAULT -> "bad address passed to the kernel";
            case EBUSY -> "resource busy: another user holds it";
            case EEXIST -> "already exists: pick another pinned path or key";
            case ENODEV -> "no such device: the CPU may be offline or the feature absent";
            case ENOTDIR -> "not a directory";
            case EINVAL -> "invalid argument: the kernel rejected a size, flag or type"
                    + " (an older kernel may not know it)";
            case EMFILE -> "too many open files: raise the limit (ulimit -n) or close what is unused";
            case ENOSPC -> "no space left: the buffer or map is full";
            case ERANGE -> "result out of range";
            case ENOSYS -> "the kernel lacks this system call: it needs CONFIG_BPF_SYSCALL";
            case ENOTSOCK -> "the file descriptor is not a socket";
            case ETIMEDOUT -> "timed out";
            case EOPNOTSUPP, ENOTSUPP -> "not supported by this kernel or object type";
            default -> "see errno(3)";
        };
    }
}
