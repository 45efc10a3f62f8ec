package io.bpfring.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The checked-in BPF objects under {@code testdata/} at the repository root, found by walking
 * up from the working directory (Maven runs each module's tests in the module's directory).
 */
public final class Fixtures {
    private Fixtures() {
    }

    /** The {@code testdata} directory. */
    public static Path directory() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("testdata");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no testdata/ directory in " + Path.of("").toAbsolutePath() + " or above");
    }

    /** The object {@code name} (e.g. {@code "globals.bpf.o"}), which must exist. */
    public static Path object(String name) {
        Path path = directory().resolve(name);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException("no fixture " + path);
        }
        return path;
    }

    /** Every {@code *.bpf.o} in the directory, sorted by name. */
    public static List<Path> objects() {
        try (Stream<Path> files = Files.list(directory())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".bpf.o")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
