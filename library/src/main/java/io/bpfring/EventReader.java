package io.bpfring;

import java.time.Duration;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A reader of event buffers with its handlers bound: the kernel ring buffer reader
 * ({@link io.bpfring.ringbuf.RingBufReader}), the perf buffer reader
 * ({@link io.bpfring.perf.PerfBufReader}), both waiting on an epoll, and the reader of a ring of
 * Java producers ({@link io.bpfring.memring.MemoryRingReader}), waiting on a futex. Code that
 * polls may take any of them.
 *
 * <p><b>Threads.</b> One thread consumes: {@code poll}, {@code busyPoll}, {@code consume} and
 * the handlers run there. {@link #wakeup()} and {@link #close()} may be called from any thread;
 * a handler may call {@link #close()} (the reader closes when the handler returns), but not poll
 * or consume. After {@link #close()}, every method but {@code wakeup} and {@code close} throws
 * {@link ClosedException}.
 *
 * <p><b>Wake-ups.</b> {@link #poll} returns once it has delivered records, at its timeout, after
 * {@link #wakeup()}, or at {@link #close()}; in each case it first delivers what is already
 * committed. A {@code wakeup()} while no poll runs makes the next poll return at once, as
 * {@link java.nio.channels.Selector#wakeup()} does.
 *
 * <p><b>Push and pull.</b> {@code poll} and {@code consume} push records to the bound handlers,
 * as zero-copy views valid during the call. {@link #read}, {@link #readInto} and
 * {@link #records()} pull them instead, one at a time, copied out of the buffer: a record read
 * goes to the reader and not to a handler (and one a handler got is not read). Both may be used
 * on one reader, by its one consuming thread. Pulling waits as {@code poll} does, and ends on the
 * same wake-ups.
 */
public interface EventReader extends AutoCloseable {
    /** Waits without a limit for records; see {@link #poll(Duration)}. */
    int poll();

    /**
     * Delivers the records that are committed, waiting up to {@code timeout} for some if
     * there are none. Returns early on {@link #wakeup()} or {@link #close()}, or when a handler
     * returns false; it always delivers what is committed first.
     *
     * @return the number of records delivered
     */
    int poll(Duration timeout);

    /**
     * Like {@link #poll(Duration)}, but looks at the buffers again and again instead of sleeping:
     * the lowest latency. While they stay empty it backs off, from spinning to yielding
     * to parking for at most 100 microseconds, so that an idle busy poll leaves most of its core
     * to the producers; {@link #wakeup()}, {@link #close()} and the timeout end it within such a
     * pause.
     */
    int busyPoll(Duration timeout);

    /** Delivers every committed record, without waiting. */
    int consume();

    /** Delivers at most {@code max} committed records, without waiting. */
    int consume(long max);

    /**
     * Copies the next record into {@code into}, waiting up to {@code timeout} for one, as
     * cilium/ebpf's {@code ReadInto} does: once the buffer has grown to the largest record, this
     * allocates nothing. Records of one ring or CPU come in their order; the reader takes its
     * buffers in turn.
     *
     * @return true if a record was copied; false at the timeout, at a {@link #wakeup()}, or when
     *         the reader was closed meanwhile (the next call then throws {@link ClosedException})
     */
    boolean readInto(RecordBuffer into, Duration timeout);

    /**
     * The next record, copied, waiting up to {@code timeout} for one; see {@link #readInto}.
     *
     * @return the record, or null at the timeout, at a {@link #wakeup()}, or when the reader was
     *         closed meanwhile
     */
    default Record read(Duration timeout) {
        RecordBuffer buffer = new RecordBuffer();
        return readInto(buffer, timeout) ? buffer.take() : null;
    }

    /**
     * The records as they come, copied: a stream that waits for each and ends when the reader is
     * closed, from another thread too (a timeout or a {@link #wakeup()} does not end it). Consume
     * it on the reader's one consuming thread.
     */
    default Stream<Record> records() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(new RecordIterator(this),
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /**
     * Ends a running poll, or the next one, once it has delivered what is committed, as
     * {@link java.nio.channels.Selector#wakeup()} does. Any thread may call it.
     */
    void wakeup();

    /**
     * Releases every mapping and fd. A poll running on another thread delivers what is
     * committed and returns first. Any thread may call it, a handler too, and more than once.
     */
    @Override
    void close();
}
