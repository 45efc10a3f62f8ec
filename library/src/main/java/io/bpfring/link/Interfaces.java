package io.bpfring.link;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Network interfaces by name, as sysfs lists them, for the attach kinds that take an ifindex. */
final class Interfaces {
    private static final Path NET = Path.of("/sys/class/net");

    private Interfaces() {
    }

    /** The index of the interface {@code name} in this network namespace. */
    static int index(String name) {
        Path file = NET.resolve(name).resolve("ifindex");
        if (name.isEmpty() || name.contains("/") || !Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no network interface '" + name + "' here; list them with: ip link");
        }
        try {
            return Integer.parseInt(Files.readString(file).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
