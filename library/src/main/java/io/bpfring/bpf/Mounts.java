package io.bpfring.bpf;

import io.bpfring.SyscallException;
import io.bpfring.sys.Sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** The pseudo file systems BPF work needs: tracefs for tracepoints, bpffs for pinning. */
public final class Mounts {
    /** Where tracefs lives on current systems. */
    public static final Path TRACEFS = Path.of("/sys/kernel/tracing");
    /** Where tracefs appears on older systems, through debugfs. */
    private static final Path DEBUGFS_TRACING = Path.of("/sys/kernel/debug/tracing");
    /** Where bpffs is mounted by convention. */
    public static final Path BPFFS = Path.of("/sys/fs/bpf");

    private Mounts() {
    }

    /**
     * The tracefs root, mounting tracefs at {@link #TRACEFS} when it is missing (needs root). A
     * tracefs this user may not read (it is mode 700 by default) is an error that says so.
     */
    public static synchronized Path tracefs() {
        if (hasEvents(TRACEFS)) {
            return TRACEFS;
        }
        if (hasEvents(DEBUGFS_TRACING)) {
            return DEBUGFS_TRACING;
        }
        mount("tracefs", TRACEFS);
        return TRACEFS;
    }

    /** Whether tracefs' events are under {@code root}; false when they are not, an error when they are closed to us. */
    private static boolean hasEvents(Path root) {
        try {
            return Files.readAttributes(root.resolve("events"), BasicFileAttributes.class).isDirectory();
        } catch (NoSuchFileException e) {
            return false;
        } catch (AccessDeniedException e) {
            throw new IllegalStateException("tracefs at " + root + " is not open to this user (EACCES): run as root, "
                    + "or with CAP_BPF and CAP_PERFMON and read access to " + root, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mounts bpffs at {@link #BPFFS} when {@code pinPath} lies under it and it is not mounted. */
    public static synchronized void ensureBpffs(Path pinPath) {
        if (pinPath.toAbsolutePath().startsWith(BPFFS) && !isMounted("bpf", BPFFS)) {
            mount("bpf", BPFFS);
        }
    }

    private static boolean isMounted(String type, Path mountPoint) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] fields = line.split(" ");
                if (fields.length > 2 && fields[1].equals(mountPoint.toString()) && fields[2].equals(type)) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void mount(String type, Path mountPoint) {
        try {
            Sys.mount(type, mountPoint.toString(), type);
        } catch (SyscallException e) {
            throw new IllegalStateException(type + " is not mounted at " + mountPoint + " and mounting it failed ("
                    + e.errnoName() + "); as root, run: mount -t " + type + " " + type + " " + mountPoint, e);
        }
    }
}
