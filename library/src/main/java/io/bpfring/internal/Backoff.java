package io.bpfring.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * How a busy poll idles while its buffers are empty, as agrona's {@code BackoffIdleStrategy}
 * does: spin with {@link Thread#onSpinWait()}, then {@link Thread#yield()}, then park for pauses
 * that double up to a cap. {@link #reset()} starts over, as a poll does when records arrive.
 *
 * <p>The numbers: {@value #SPINS} spins (about a microsecond: a record a producer is about to
 * commit is caught without a context switch), {@value #YIELDS} yields (they give the core to a
 * producer that shares it: this machine may have two), then parks from {@value #MIN_PARK_NANOS}
 * ns doubling to {@value #MAX_PARK_NANOS} ns. The cap bounds the latency a record waits once the
 * ring has been idle a while, and how late a wakeup, close or deadline is seen; a park of 100
 * microseconds costs the polling thread a few microseconds of CPU, so an idle busy poll takes
 * a small share of a core instead of all of it. Parking is {@link LockSupport#parkNanos}, so a
 * virtual thread unmounts instead of pinning its carrier.
 *
 * <p>Not thread-safe: one per polling thread.
 */
public final class Backoff {
    static final int SPINS = 100;
    static final int YIELDS = 10;
    static final long MIN_PARK_NANOS = 1_000;
    static final long MAX_PARK_NANOS = 100_000;

    private int idles;
    private long park;

    /** Starts over from spinning: records arrived. */
    public void reset() {
        idles = 0;
        park = MIN_PARK_NANOS;
    }

    /** Idles once, never past {@code remainingNanos}. */
    public void idle(long remainingNanos) {
        if (idles < SPINS) {
            idles++;
            Thread.onSpinWait();
        } else if (idles < SPINS + YIELDS) {
            idles++;
            Thread.yield();
        } else {
            LockSupport.parkNanos(Math.min(park, remainingNanos));
            park = Math.min(park * 2, MAX_PARK_NANOS);
        }
    }
}
