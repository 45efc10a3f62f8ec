package io.bpfring.object;

import io.bpfring.bpf.Mounts;
import io.bpfring.testing.Fixtures;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** What the object tests share: fixtures, a private pin directory, fd counts, little-endian numbers. */
final class ObjectTesting {
    private ObjectTesting() {
    }

    static ObjectSpec open(String fixture) throws IOException {
        return ObjectSpec.open(Fixtures.object(fixture));
    }

    /** A pin root of this test run's own, so tests never meet another run's pins. */
    static Path pinRoot() {
        return Mounts.BPFFS.resolve("bpfring-object-test-" + ProcessHandle.current().pid());
    }

    static LoadOptions options() {
        return LoadOptions.defaults().withPinRoot(pinRoot());
    }

    /** Removes the pin root and whatever is pinned in it. */
    static void removePins() throws IOException {
        Path root = pinRoot();
        if (Files.exists(root)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    static long u64(byte[] bytes) {
        return le(bytes).getLong(0);
    }

    /** The NUL-terminated string at {@code offset}. */
    static String string(byte[] bytes, int offset, int max) {
        int n = 0;
        while (n < max && bytes[offset + n] != 0) {
            n++;
        }
        return new String(bytes, offset, n);
    }
}
