package io.bpfring.internal;

import java.time.Duration;

/** Deadlines on {@link System#nanoTime()} from a caller's timeout, whatever its size. */
public final class Deadline {
    /** Past this a timeout waits as if without a limit: a deadline this far off cannot overflow. */
    private static final Duration FOREVER = Duration.ofDays(365);

    private Deadline() {
    }

    /**
     * The {@link System#nanoTime()} at which {@code timeout} from now runs out; compare it by
     * difference ({@code System.nanoTime() - deadline >= 0}).
     *
     * @throws IllegalArgumentException if the timeout is negative
     */
    public static long after(Duration timeout) {
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        }
        return System.nanoTime() + (timeout.compareTo(FOREVER) > 0 ? Long.MAX_VALUE / 2 : timeout.toNanos());
    }
}
