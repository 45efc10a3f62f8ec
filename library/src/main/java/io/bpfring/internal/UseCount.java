package io.bpfring.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps memory and fds alive while calls use them, so that a close from any thread never pulls
 * them from under a call that is sleeping on them or handing out their records: the owner holds
 * one use from the start until it closes, every such call holds one while it runs, and the last
 * to leave after the close releases. Calls that start after the close are refused.
 */
public final class UseCount {
    private static final int CLOSED = Integer.MIN_VALUE;

    /** The number of uses, with the sign bit set once closed. */
    private final AtomicInteger state = new AtomicInteger(1);
    private final Runnable release;

    public UseCount(Runnable release) {
        this.release = release;
    }

    /** Starts a use; false once closed. */
    public boolean enter() {
        int uses;
        do {
            uses = state.get();
            if (uses < 0) {
                return false;
            }
        } while (!state.compareAndSet(uses, uses + 1));
        return true;
    }

    /** Ends a use; the last one after the close releases. */
    public void leave() {
        if (state.decrementAndGet() == CLOSED) {
            release.run();
        }
    }

    /**
     * Refuses new uses. True for the first call only: the owner's use goes on, so that it can
     * still wake the sleepers, and ends with its {@link #leave()}.
     */
    public boolean close() {
        return (state.getAndUpdate(uses -> uses | CLOSED) & CLOSED) == 0;
    }

    public boolean isClosed() {
        return state.get() < 0;
    }
}
