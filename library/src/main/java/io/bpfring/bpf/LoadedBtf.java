package io.bpfring.bpf;

import io.bpfring.sys.BpfAttr;
import io.bpfring.Errno;
import io.bpfring.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A BTF blob loaded into the kernel (BPF_BTF_LOAD), which maps and programs refer to by fd for
 * their key, value and function types. Closing releases the fd; maps and programs that use the
 * BTF keep their own reference.
 */
public final class LoadedBtf implements AutoCloseable {
    private static final int LOG_START = 64 * 1024;
    private static final int LOG_MAX = 16 * 1024 * 1024;

    private final int fd;
    private boolean closed;

    private LoadedBtf(int fd) {
        this.fd = fd;
    }

    /**
     * Loads {@code blob}, a whole {@code .BTF} (header, types, strings).
     *
     * @throws BtfLoadException when the kernel refuses it, with the kernel's log
     */
    public static LoadedBtf load(byte[] blob) {
        return new LoadedBtf(loadFd(blob));
    }

    /** Loads without a log; on failure, loads again with the log on, only now that it is needed. */
    static int loadFd(byte[] blob) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment btf = arena.allocateFrom(JAVA_BYTE, blob);
            MemorySegment attr = BpfAttr.allocate(arena);
            BpfAttr.BtfLoad.BTF.set(attr, btf.address());
            BpfAttr.BtfLoad.BTF_SIZE.set(attr, blob.length);
            int fd = Sys.bpfOrErrno(Cmd.BTF_LOAD, attr);
            for (int logSize = LOG_START; fd < 0; logSize *= 2) {
                MemorySegment log = arena.allocate(logSize);
                BpfAttr.BtfLoad.BTF_LOG_BUF.set(attr, log.address());
                BpfAttr.BtfLoad.BTF_LOG_SIZE.set(attr, logSize);
                BpfAttr.BtfLoad.BTF_LOG_LEVEL.set(attr, 1);
                fd = Sys.bpfOrErrno(Cmd.BTF_LOAD, attr);
                if (fd >= 0 || -fd == Errno.ENOSPC && logSize < LOG_MAX) {
                    continue;
                }
                throw new BtfLoadException(-fd, log.getString(0).strip());
            }
            return fd;
        }
    }

    /** The BTF's fd; an {@link IllegalStateException} once closed. */
    public int fd() {
        if (closed) {
            throw new IllegalStateException("BTF is closed");
        }
        return fd;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Sys.close(fd);
        }
    }
}
