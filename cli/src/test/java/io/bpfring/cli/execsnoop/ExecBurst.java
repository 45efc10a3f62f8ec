package io.bpfring.cli.execsnoop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Starts short-lived processes with distinct names: symlinks to /bin/true, so each exec's comm is
 * the link's name. Starts them one after another; each start returns once its exec happened.
 */
final class ExecBurst implements AutoCloseable {
    private final Path dir;
    private final String tag;
    private final List<ExecEvent> expected = new ArrayList<>();

    ExecBurst() {
        try {
            dir = Files.createTempDirectory("execburst");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        tag = "x" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000)) + "-";
    }

    /** Whether {@code event} is one of this burst's execs. */
    boolean owns(ExecEvent event) {
        return event.comm().startsWith(tag);
    }

    /** Runs {@code count} more processes; returns every exec so far that the kernel must report, in order. */
    List<ExecEvent> run(int count) {
        try {
            List<Process> processes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Path link = dir.resolve(tag + expected.size());
                Files.createSymbolicLink(link, Path.of("/bin/true"));
                Process process = new ProcessBuilder(link.toString()).start();
                processes.add(process);
                expected.add(new ExecEvent((int) process.pid(), link.getFileName().toString(), link.toString()));
            }
            for (Process process : processes) {
                process.waitFor();
            }
            return List.copyOf(expected);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }
}
