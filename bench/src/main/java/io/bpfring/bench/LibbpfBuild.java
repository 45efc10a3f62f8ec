package io.bpfring.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds the libbpf consumer with gcc against the system's libbpf, installing libbpf-dev with
 * apt-get when its headers are missing and we are root.
 */
final class LibbpfBuild {
    private static final String SOURCE = "libbpf_consumer.c";
    private static final Path HEADER = Path.of("/usr/include/bpf/libbpf.h");

    private LibbpfBuild() {
    }

    /** The consumer binary in {@code dir}, built when missing or older than its source. */
    static Path consumer(Path dir, java.io.PrintWriter progress) {
        try {
            Files.createDirectories(dir);
            Path source = dir.resolve(SOURCE);
            Path binary = dir.resolve("libbpf_consumer");
            byte[] text;
            try (InputStream in = LibbpfBuild.class.getResourceAsStream(SOURCE)) {
                text = in.readAllBytes();
            }
            boolean changed = !Files.exists(source) || !java.util.Arrays.equals(Files.readAllBytes(source), text);
            if (changed) {
                Files.write(source, text);
            }
            if (!changed && Files.exists(binary)) {
                return binary;
            }
            if (!Files.exists(HEADER)) {
                progress.println("libbpf-dev is missing: installing it with apt-get...");
                progress.flush();
                run(List.of("sh", "-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libbpf-dev"),
                        "install libbpf-dev (apt-get install libbpf-dev) or run as root");
            }
            progress.println("building the libbpf consumer with gcc...");
            progress.flush();
            run(List.of("gcc", "-O2", "-Wall", "-o", binary.toString(), source.toString(), "-lbpf"),
                    "install gcc and libbpf-dev");
            return binary;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void run(List<String> command, String advice) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output.strip()
                        + "\n" + advice);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
