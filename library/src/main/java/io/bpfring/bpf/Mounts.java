package io.bpfring.bpf;

import io.bpfring.sys.Sys;
import io.bpfring.sys.SysException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /** The tracefs root, mounting tracefs at {@link #TRACEFS} when it is missing (needs root). */
    public static synchronized Path tracefs() {
        if (Files.isDirectory(TRACEFS.resolve("events"))) {
            return TRACEFS;
        }
        if (Files.isDirectory(DEBUGFS_TRACING.resolve("events"))) {
            return DEBUGFS_TRACING;
        }
        mount("tracefs", TRACEFS);
        return TRACEFS;
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
        } catch (SysException e) {
            throw new IllegalStateException(type + " is not mounted at " + mountPoint + " and mounting it failed ("
                    + e.errnoName() + "); as root, run: mount -t " + type + " " + type + " " + mountPoint, e);
        }
    }
}
