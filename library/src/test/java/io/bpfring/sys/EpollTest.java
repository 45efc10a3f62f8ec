package io.bpfring.sys;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EpollTest {
    /** A wait never ends before its time, and no timeout, however long, wraps to a negative one. */
    @Test
    void timeoutsBecomeWholeMillisecondsRoundedUpWithoutOverflow() {
        assertEquals(-1, Epoll.millis(-1));
        assertEquals(0, Epoll.millis(0));
        assertEquals(1, Epoll.millis(1));
        assertEquals(1, Epoll.millis(1_000_000));
        assertEquals(2, Epoll.millis(1_000_001));
        assertEquals(Integer.MAX_VALUE, Epoll.millis(Long.MAX_VALUE));
        assertEquals(Integer.MAX_VALUE, Epoll.millis(Long.MAX_VALUE - 999_998));
    }
}
