package io.bpfring.cli.checks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts short-lived processes ({@code /bin/true}) from several threads at once, so that their
 * fork, exec and exit land on every CPU. Remembers their pids.
 */
final class ProcessBurst {
    private final Set<Integer> pids = ConcurrentHashMap.newKeySet();
    private volatile RuntimeException failure;

    /** Runs {@code count} processes from {@code threads} threads and waits for all to exit. */
    void run(int count, int threads) {
        List<Thread> starters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int share = count / threads + (t < count % threads ? 1 : 0);
            Thread starter = Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < share; i++) {
                        Process process = new ProcessBuilder("/bin/true").start();
                        pids.add((int) process.pid());
                        process.waitFor();
                    }
                } catch (IOException e) {
                    failure = new UncheckedIOException("cannot start /bin/true", e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            starters.add(starter);
        }
        for (Thread starter : starters) {
            try {
                starter.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** The pids of the processes started so far. */
    Set<Integer> pids() {
        return pids;
    }
}
