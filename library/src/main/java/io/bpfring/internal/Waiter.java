package io.bpfring.internal;

/**
 * How a {@link PollLoop} sleeps until its buffers may have records, and how it is woken: on
 * epoll with an eventfd for kernel buffers ({@link EpollWaiter}), on a futex for a ring of Java
 * producers.
 *
 * <p>A sleep must not miss a signal that comes between the loop's last look at its buffers and
 * the sleep: the loop {@linkplain #arm() arms} before that look, and a signal after the arming
 * makes the sleep return at once (a futex compares the word it armed with; an eventfd stays
 * readable).
 */
public interface Waiter {
    /** Called before the last look at the buffers; what it returns goes to {@link #await}. */
    int arm();

    /**
     * Sleeps until a buffer may have records or a {@link #signal()}, at most {@code timeoutNanos}
     * (negative: no limit); returns at once if signalled since {@code armed} was taken.
     */
    void await(int armed, long timeoutNanos);

    /** Wakes a sleeping {@link #await}, or the next one. Any thread may call it. */
    void signal();

    /** Forgets a signal that the loop has taken (by its wake-up flag) and will not sleep on. */
    void clear();

    /** Releases what the waiter holds; called once, when its loop is released. */
    void close();
}
