package io.bpfring.bpf;

import io.bpfring.sys.Sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What sizes and features depend on in the running system: the page size, which ring sizes and
 * perf buffer pages are counted in, and the kernel release, which features come with.
 */
public final class Platform {
    private static final Path OSRELEASE = Path.of("/proc/sys/kernel/osrelease");

    private Platform() {
    }

    /** The size of a memory page: ring sizes are whole pages, perf buffers are counted in them. */
    public static long pageSize() {
        return Sys.pageSize();
    }

    /** The running kernel's release, as {@code uname -r} prints it, such as {@code 6.18.0-1-amd64}. */
    public static String kernelRelease() {
        try {
            return Files.readString(OSRELEASE).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the kernel release from " + OSRELEASE + ": " + e, e);
        }
    }

    /**
     * Whether {@code release} (such as {@code 5.15.0-91-generic}) is older than {@code minimum}
     * (such as {@code 6.1}): their leading numbers compared one by one, a missing one as 0.
     */
    static boolean isOlder(String release, String minimum) {
        int[] have = numbers(release);
        int[] need = numbers(minimum);
        for (int i = 0; i < Math.max(have.length, need.length); i++) {
            int a = i < have.length ? have[i] : 0;
            int b = i < need.length ? need[i] : 0;
            if (a != b) {
                return a < b;
            }
        }
        return false;
    }

    /** The dot-separated numbers a release starts with: 5.15.0-91 gives 5, 15, 0. */
    private static int[] numbers(String release) {
        String[] parts = release.split("[^0-9.]", 2)[0].split("\\.");
        int[] numbers = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            numbers[i] = parts[i].isEmpty() ? 0 : Integer.parseInt(parts[i]);
        }
        return numbers;
    }
}
