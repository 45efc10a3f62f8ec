package io.bpfring.bpf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/** The CPUs the kernel knows, from sysfs lists such as {@code 0-3,8}. */
public final class Cpus {
    private static final Path SYSFS = Path.of("/sys/devices/system/cpu");

    private Cpus() {
    }

    /** The number of possible CPUs: the per-CPU map value count. */
    public static int possibleCount() {
        return read("possible").length();
    }

    /** The CPUs online now. */
    public static BitSet online() {
        return read("online");
    }

    static BitSet parse(String list) {
        BitSet cpus = new BitSet();
        for (String part : list.trim().split(",")) {
            if (part.isEmpty()) {
                continue;
            }
            int dash = part.indexOf('-');
            int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
            int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1));
            cpus.set(from, to + 1);
        }
        return cpus;
    }

    private static BitSet read(String file) {
        try {
            return parse(Files.readString(SYSFS.resolve(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the CPU list " + SYSFS.resolve(file), e);
        }
    }
}
