package io.bpfring.ringbuf;

import io.bpfring.EventReader;
import io.bpfring.RecordBuffer;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.MapType;
import io.bpfring.internal.EpollWaiter;
import io.bpfring.internal.PollLoop;
import io.bpfring.ring.ControlledRecordHandler;
import io.bpfring.ring.RecordHandler;
import io.bpfring.ring.RingConsumer;
import io.bpfring.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads any number of kernel ring buffers ({@code BPF_MAP_TYPE_RINGBUF}) through their memory
 * mappings, each ring with its own handler, waiting on one epoll: bpfring's
 * {@code ring_buffer__*}. A ring's handler is a {@link RecordHandler}, which takes every record,
 * or a {@link ControlledRecordHandler} ({@link #addControlled}), which may leave one in the ring.
 *
 * <pre>{@code
 * try (RingBufReader reader = RingBufReader.of(events, record -> {
 *         System.out.println(record.getInt(0));
 *         return true;
 *     })) {
 *     while (running) {
 *         reader.poll(Duration.ofMillis(100));
 *     }
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> A reader is used by one consuming thread: {@code poll}, {@code busyPoll},
 * {@code consume} and the handlers run there, and records reach each handler in ring order.
 * {@link #wakeup()} and {@link #close()} may be called from any thread. A handler may call
 * {@link #close()} (the reader closes when the handler returns), but not poll or consume.
 *
 * <p><b>Wake-ups.</b> {@link #poll} returns once it has delivered records, at its timeout, after
 * {@link #wakeup()}, or at {@link #close()}; in each case it first delivers what is already
 * committed. A {@code wakeup()} while no poll runs makes the next poll return at once, as
 * {@link java.nio.channels.Selector#wakeup()} does.
 */
public final class RingBufReader implements EventReader {
    private final Arena arena = Arena.ofShared();
    private final List<Ring> rings = new ArrayList<>();
    /** The ring a read looks at first: they take turns. */
    private int nextRead;
    /** Where the running read copies its record. */
    private RecordBuffer readTarget;
    private final EpollWaiter waiter = new EpollWaiter();
    private final PollLoop loop = new PollLoop(waiter, this::consumeAll, this::copyOne, this::hasUnannouncedRecord, this::waitsFirst,
            arena::close);

    /** An empty reader; {@link #add} rings to it. */
    public RingBufReader() {
    }

    /** A reader of one ring. */
    public static RingBufReader of(BpfMap ringMap, RecordHandler handler) {
        RingBufReader reader = new RingBufReader();
        try {
            reader.add(ringMap, handler);
            return reader;
        } catch (RuntimeException e) {
            reader.close();
            throw e;
        }
    }

    /**
     * Maps another ring, whose producer uses the kernel's adaptive wake-ups, and delivers its
     * records to {@code handler}. The map stays the caller's: the reader neither closes it nor
     * needs it open after this call.
     */
    public Ring add(BpfMap ringMap, RecordHandler handler) {
        return add(ringMap, handler, Notification.ADAPTIVE);
    }

    /** Maps another ring whose wake-ups come as {@code notification} says. */
    public Ring add(BpfMap ringMap, RecordHandler handler, Notification notification) {
        return add(ringMap, new Delivery(handler, null), notification);
    }

    /**
     * Maps another ring, whose producer uses the kernel's adaptive wake-ups, and delivers its
     * records to {@code handler}, which may leave a record in the ring for the next poll
     * ({@link ControlledRecordHandler.Action#ABORT}). A BREAK or ABORT ends the running poll.
     */
    public Ring addControlled(BpfMap ringMap, ControlledRecordHandler handler) {
        return addControlled(ringMap, handler, Notification.ADAPTIVE);
    }

    /** Like {@link #addControlled(BpfMap, ControlledRecordHandler)}, with wake-ups as {@code notification} says. */
    public Ring addControlled(BpfMap ringMap, ControlledRecordHandler handler, Notification notification) {
        return add(ringMap, new Delivery(null, handler), notification);
    }

    private Ring add(BpfMap ringMap, Delivery delivery, Notification notification) {
        if (ringMap.type() != MapType.RINGBUF) {
            throw new IllegalArgumentException(ringMap + " is not a ring buffer (BPF_MAP_TYPE_RINGBUF)");
        }
        loop.enter();
        try {
            int fd = ringMap.fd();
            long page = Sys.pageSize();
            long size = ringMap.maxEntries();
            String what = "mmap(ring '" + ringMap.name() + "')";
            MemorySegment consumerPage = Sys.map(arena, fd, page, 0, Sys.PROT_READ | Sys.PROT_WRITE, what);
            MemorySegment producerSide = Sys.map(arena, fd, page + 2 * size, page, Sys.PROT_READ, what);
            RingConsumer consumer = new RingConsumer(consumerPage, producerSide,
                    producerSide.asSlice(page, 2 * size), size);
            Ring ring = new Ring(rings.size(), ringMap.name(), fd, consumer, delivery, notification);
            waiter.watch(fd);
            rings.add(ring);
            return ring;
        } finally {
            loop.exit();
        }
    }

    /** The rings, in the order they were added. */
    public List<Ring> rings() {
        return List.copyOf(rings);
    }

    public Ring ring(int index) {
        return rings.get(index);
    }

    @Override
    public int poll() {
        return loop.poll();
    }

    @Override
    public int poll(Duration timeout) {
        return loop.poll(timeout);
    }

    @Override
    public int busyPoll(Duration timeout) {
        return loop.busyPoll(timeout);
    }

    @Override
    public int consume() {
        return loop.consume(Long.MAX_VALUE);
    }

    @Override
    public int consume(long max) {
        return loop.consume(max);
    }

    /** {@inheritDoc} The record's source is its ring's {@linkplain Ring#index() index}. */
    @Override
    public boolean readInto(RecordBuffer into, Duration timeout) {
        return loop.readInto(into, timeout);
    }

    @Override
    public void wakeup() {
        loop.wakeup();
    }

    /** The epoll fd, readable when a buffer has data, for callers that run their own event loop. */
    public int epollFd() {
        loop.checkOpen();
        return waiter.fd();
    }

    @Override
    public void close() {
        loop.close();
    }

    private int consumeAll(long max) {
        int delivered = 0;
        for (int i = 0; i < rings.size() && delivered < max && !loop.stopRequested(); i++) {
            delivered += rings.get(i).consumeUnlocked(max - delivered);
        }
        return delivered;
    }

    private int copyOne(RecordBuffer into) {
        readTarget = into;
        try {
            for (int i = 0; i < rings.size(); i++) {
                Ring ring = rings.get((nextRead + i) % rings.size());
                if (ring.consumer.consume(ring.copier, 1) > 0) {
                    nextRead = ring.index + 1;
                    return 1;
                }
            }
            return 0;
        } finally {
            readTarget = null;
        }
    }

    /**
     * The kernel wakes the consumer only when it sees the consumer position at the record it
     * commits; the fence in {@link RingConsumer#hasCommittedRecord()} closes the race in which
     * neither side sees the other's update.
     */
    private boolean hasUnannouncedRecord() {
        for (Ring ring : rings) {
            if (ring.notification == Notification.ADAPTIVE && ring.consumer.hasCommittedRecord()) {
                return true;
            }
        }
        return false;
    }

    private boolean waitsFirst() {
        for (Ring ring : rings) {
            if (ring.notification == Notification.ADAPTIVE) {
                return false;
            }
        }
        return !rings.isEmpty();
    }

    /** The handler a ring delivers to: one of the two kinds. */
    private record Delivery(RecordHandler handler, ControlledRecordHandler controlled) {
    }

    /** One ring of a reader: its positions, and consumption of it alone. */
    public final class Ring {
        private final int index;
        private final String name;
        private final int mapFd;
        private final RingConsumer consumer;
        private final RecordHandler handler;
        private final ControlledRecordHandler controlled;
        /** Copies a record into the running read's buffer. */
        private final RecordHandler copier;
        private final Notification notification;

        private Ring(int index, String name, int mapFd, RingConsumer consumer, Delivery delivery,
                     Notification notification) {
            this.index = index;
            this.notification = notification;
            this.name = name;
            this.mapFd = mapFd;
            this.consumer = consumer;
            this.handler = delivery.handler == null ? null : record -> {
                boolean goOn = delivery.handler.onRecord(record);
                if (!goOn) {
                    loop.stop();
                }
                return goOn;
            };
            this.copier = record -> {
                readTarget.fill(index, record.position(), record.data(), record.offset(), record.length());
                return true;
            };
            this.controlled = delivery.controlled == null ? null : record -> {
                ControlledRecordHandler.Action action = delivery.controlled.onRecord(record);
                if (action != ControlledRecordHandler.Action.CONTINUE) {
                    loop.stop();
                }
                return action;
            };
        }

        /** Delivers at most {@code max} records to this ring's handler; the caller holds the loop. */
        private int consumeUnlocked(long max) {
            return handler != null ? consumer.consume(handler, max) : consumer.consumeControlled(controlled, max);
        }

        /** Delivers this ring's committed records, without waiting. */
        public int consume() {
            return consume(Long.MAX_VALUE);
        }

        /** Delivers at most {@code max} of this ring's committed records, without waiting. */
        public int consume(long max) {
            loop.enter();
            try {
                return consumeUnlocked(max);
            } finally {
                loop.exit();
            }
        }

        public long consumerPosition() {
            loop.checkOpen();
            return consumer.consumerPosition();
        }

        public long producerPosition() {
            loop.checkOpen();
            return consumer.producerPosition();
        }

        /** Bytes reserved by producers and not consumed yet, record headers included. */
        public long availableBytes() {
            loop.checkOpen();
            return consumer.availableBytes();
        }

        /** The ring's data size in bytes. */
        public long size() {
            return consumer.size();
        }

        /** The fd of the ring's map, as it was when added. */
        public int mapFd() {
            return mapFd;
        }

        public String name() {
            return name;
        }

        public int index() {
            return index;
        }
    }
}
