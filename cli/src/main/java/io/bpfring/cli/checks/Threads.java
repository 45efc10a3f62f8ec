package io.bpfring.cli.checks;

import java.time.Duration;

/** Sleeping and joining for the checks' own threads, where an interrupt just ends the wait. */
final class Threads {
    private Threads() {
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
