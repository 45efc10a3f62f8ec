package io.bpfring.internal;

import io.bpfring.sys.Epoll;
import io.bpfring.sys.EventFd;

/** Sleeps on one epoll over kernel buffers' fds, and is woken through an eventfd on it. */
public final class EpollWaiter implements Waiter {
    /** The epoll data of the eventfd; a buffer's fd is watched with 0. */
    private static final long EVENTFD_DATA = -1;

    private final Epoll epoll;
    private final EventFd wakeups;

    public EpollWaiter() {
        Epoll epoll = new Epoll(16);
        EventFd wakeups = null;
        try {
            wakeups = new EventFd();
            epoll.add(wakeups.fd(), Epoll.EPOLLIN, EVENTFD_DATA);
        } catch (RuntimeException e) {
            if (wakeups != null) {
                wakeups.close();
            }
            epoll.close();
            throw e;
        }
        this.epoll = epoll;
        this.wakeups = wakeups;
    }

    /** Wakes a sleeper when {@code fd} is readable: a buffer of the reader. */
    public void watch(int fd) {
        epoll.add(fd, Epoll.EPOLLIN, 0);
    }

    /** The epoll fd, readable when a buffer has data. */
    public int fd() {
        return epoll.fd();
    }

    @Override
    public int arm() {
        return 0; // the eventfd stays readable until drained: nothing to compare with
    }

    /**
     * Sleeps in epoll, and resets the eventfd whenever it woke us: a wakeup() that a poll took
     * from its flag before its signal landed leaves the eventfd readable, and a level-triggered
     * epoll would then return at once, poll after poll, until the next wakeup().
     */
    @Override
    public void await(int armed, long timeoutNanos) {
        int ready = epoll.await(Epoll.millis(timeoutNanos));
        for (int i = 0; i < ready; i++) {
            if (epoll.data(i) == EVENTFD_DATA) {
                wakeups.drain();
            }
        }
    }

    @Override
    public void signal() {
        wakeups.signal();
    }

    @Override
    public void clear() {
        wakeups.drain();
    }

    @Override
    public void close() {
        try {
            epoll.close();
        } finally {
            wakeups.close();
        }
    }
}
