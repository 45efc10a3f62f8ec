package io.bpfring.perf;

import io.bpfring.Errno;
import io.bpfring.EventReader;
import io.bpfring.RecordBuffer;
import io.bpfring.SyscallException;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.Cpus;
import io.bpfring.bpf.MapType;
import io.bpfring.internal.EpollWaiter;
import io.bpfring.internal.PollLoop;
import io.bpfring.perf.PerfRecordHandler;
import io.bpfring.perf.PerfRingConsumer;
import io.bpfring.ring.ControlledRecordHandler;
import io.bpfring.ring.RecordView;
import io.bpfring.sys.PerfEvent;
import io.bpfring.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Reads a perf buffer ({@code BPF_MAP_TYPE_PERF_EVENT_ARRAY}): one {@code PERF_COUNT_SW_BPF_OUTPUT}
 * event per online CPU, each with its own mmap ring, all on one epoll: bpfring's
 * {@code perf_buffer__*}. Samples of one CPU arrive in order; samples of different CPUs do not
 * (that is the perf buffer's nature, and what the ring buffer fixes).
 *
 * <pre>{@code
 * try (PerfBufReader reader = PerfBufReader.builder(events)
 *         .pagesPerCpu(8)
 *         .onSample((cpu, sample) -> { ...; return true; })
 *         .onLost((cpu, lost) -> System.err.println(lost + " lost on CPU " + cpu))
 *         .open()) {
 *     reader.poll(Duration.ofMillis(100));
 * }
 * }</pre>
 *
 * <p>Threads, wake-ups and closing work as in {@link io.bpfring.EventReader}. Closing disables every
 * event, removes it from the map, and releases every mapping and fd.
 */
public final class PerfBufReader implements EventReader {
    /** Receives each sample with the CPU that wrote it. */
    @FunctionalInterface
    public interface SampleHandler {
        /**
         * @param sample the raw bytes the program sent, plus the kernel's 0-7 bytes of padding;
         *               valid only during this call
         * @return {@code true} to go on, {@code false} to stop consuming after this sample
         */
        boolean onSample(int cpu, RecordView sample);
    }

    /**
     * Receives each sample with the CPU that wrote it, and says whether it took it: a sample
     * aborted ({@link ControlledRecordHandler.Action#ABORT}) stays in its CPU's buffer and is
     * delivered again by the next poll. A BREAK or ABORT ends the running poll.
     */
    @FunctionalInterface
    public interface ControlledSampleHandler {
        /**
         * @param sample as for {@link SampleHandler#onSample}
         */
        ControlledRecordHandler.Action onSample(int cpu, RecordView sample);
    }

    /** Told how many samples a CPU's buffer had no room for. */
    @FunctionalInterface
    public interface LostHandler {
        void onLost(int cpu, long lost);
    }

    private static final int PERF_TYPE_SOFTWARE = 1;
    private static final long PERF_COUNT_SW_BPF_OUTPUT = 10;
    private static final long PERF_SAMPLE_RAW = 1 << 10;
    private static final long PERF_EVENT_IOC_ENABLE = 0x2400;
    private static final long PERF_EVENT_IOC_DISABLE = 0x2401;

    private final Arena arena = Arena.ofShared();
    private final BpfMap map;
    private final List<CpuBuffer> buffers = new ArrayList<>();
    /**
     * perf wakes the reader after N samples or W bytes whatever the reader did, so no record waits
     * unannounced; and a poll consumes first: measured on the kernel bench, waiting first gains
     * nothing for the perf buffer, whose wake-ups the kernel counts per CPU.
     */
    private final EpollWaiter waiter = new EpollWaiter();
    private final PollLoop loop = new PollLoop(waiter, this::consumeAll, this::copyOne, () -> false, () -> false, this::releaseBuffers);
    private final long bytesPerCpu;
    private long lost;
    /** The buffer a read looks at first: they take turns. */
    private int nextRead;

    private PerfBufReader(Builder builder) {
        this.map = builder.map;
        this.bytesPerCpu = builder.pagesPerCpu * Sys.pageSize();
        try {
            BitSet online = Cpus.online();
            for (int cpu = online.nextSetBit(0); cpu >= 0; cpu = online.nextSetBit(cpu + 1)) {
                if (cpu >= map.maxEntries()) {
                    throw new IllegalArgumentException(map + " has " + map.maxEntries()
                            + " entries; CPU " + cpu + " needs one: size it with Cpus.possibleCount()");
                }
                CpuBuffer buffer = openCpu(cpu, builder);
                if (buffer != null) {
                    buffers.add(buffer);
                }
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Starts a reader of {@code perfEventArray}, a map with one entry per possible CPU. */
    public static Builder builder(BpfMap perfEventArray) {
        if (perfEventArray.type() != MapType.PERF_EVENT_ARRAY) {
            throw new IllegalArgumentException(perfEventArray + " is not a perf buffer (BPF_MAP_TYPE_PERF_EVENT_ARRAY)");
        }
        return new Builder(perfEventArray);
    }

    private CpuBuffer openCpu(int cpu, Builder options) {
        int fd;
        try {
            boolean watermark = options.watermarkBytes > 0;
            fd = Sys.perfEventOpen(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_BPF_OUTPUT, PERF_SAMPLE_RAW,
                    watermark ? PerfEvent.Attr.WATERMARK : 0, watermark ? options.watermarkBytes : options.wakeupEvents,
                    cpu, "perf_event_open(PERF_COUNT_SW_BPF_OUTPUT, CPU " + cpu + ")");
        } catch (SyscallException e) {
            if (e.errno() == Errno.ENODEV) {
                return null; // the CPU went offline since the list was read
            }
            throw e;
        }
        CpuBuffer buffer = new CpuBuffer(cpu, fd);
        try {
            long page = Sys.pageSize();
            String what = "mmap(perf buffer of CPU " + cpu + ")";
            MemorySegment mapping = Sys.map(arena, fd, page + bytesPerCpu, 0, Sys.PROT_READ | Sys.PROT_WRITE, what);
            buffer.consumer = new PerfRingConsumer(mapping.asSlice(0, page), mapping.asSlice(page, bytesPerCpu));
            try (Arena local = Arena.ofConfined()) {
                map.update(local.allocateFrom(JAVA_INT, cpu), local.allocateFrom(JAVA_INT, fd), BpfMap.ANY);
            }
            buffer.inMap = true;
            Sys.ioctl(fd, PERF_EVENT_IOC_ENABLE, 0, "ioctl(PERF_EVENT_IOC_ENABLE, CPU " + cpu + ")");
            waiter.watch(fd);
            buffer.handler = new Dispatch(cpu, options.onSample, options.onControlledSample, options.onLost);
            return buffer;
        } catch (RuntimeException e) {
            buffer.release();
            throw e;
        }
    }

    /** The per-CPU buffers, one per online CPU, by CPU number. */
    public List<CpuBuffer> buffers() {
        return List.copyOf(buffers);
    }

    /** The buffer of {@code cpu}; an {@link IllegalArgumentException} for a CPU with none (offline). */
    public CpuBuffer buffer(int cpu) {
        for (CpuBuffer buffer : buffers) {
            if (buffer.cpu == cpu) {
                return buffer;
            }
        }
        throw new IllegalArgumentException("no perf buffer for CPU " + cpu + " (offline, or not a CPU)");
    }

    /** Data bytes of each CPU's buffer. */
    public long bytesPerCpu() {
        return bytesPerCpu;
    }

    /** Samples the kernel reported lost so far, all CPUs together. */
    public long lost() {
        return lost;
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

    /**
     * {@inheritDoc} The record's source is the CPU; its bytes include the kernel's 0-7 bytes of
     * padding. Lost records met on the way are counted and reported as a poll reports them.
     */
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

    /**
     * Disables every event, removes it from the map, and releases every mapping and fd; see
     * {@link EventReader#close()}.
     */
    @Override
    public void close() {
        loop.close();
    }

    private int consumeAll(long max) {
        int delivered = 0;
        for (int i = 0; i < buffers.size() && delivered < max && !loop.stopRequested(); i++) {
            CpuBuffer buffer = buffers.get(i);
            delivered += buffer.handler.consume(buffer.consumer, max - delivered);
        }
        return delivered;
    }

    private int copyOne(RecordBuffer into) {
        for (int i = 0; i < buffers.size(); i++) {
            int at = (nextRead + i) % buffers.size();
            CpuBuffer buffer = buffers.get(at);
            buffer.handler.readTarget = into;
            try {
                if (buffer.consumer.consume(buffer.handler.copier, 1) > 0) {
                    nextRead = at + 1;
                    return 1;
                }
            } finally {
                buffer.handler.readTarget = null;
            }
        }
        return 0;
    }

    private void releaseBuffers() {
        try {
            for (CpuBuffer buffer : buffers) {
                buffer.release();
            }
        } finally {
            arena.close();
        }
    }

    /** One CPU's buffer. */
    public final class CpuBuffer {
        private final int cpu;
        private final int fd;
        private PerfRingConsumer consumer;
        private Dispatch handler;
        private boolean inMap;

        private CpuBuffer(int cpu, int fd) {
            this.cpu = cpu;
            this.fd = fd;
        }

        public int cpu() {
            return cpu;
        }

        /** The perf event's fd, pollable for this CPU alone. */
        public int fd() {
            return fd;
        }

        /** Delivers this CPU's committed samples, without waiting. */
        public int consume() {
            return consume(Long.MAX_VALUE);
        }

        /** Delivers at most {@code max} of this CPU's samples, without waiting. */
        public int consume(long max) {
            loop.enter();
            try {
                return handler.consume(consumer, max);
            } finally {
                loop.exit();
            }
        }

        /**
         * Bytes written and not yet read.
         *
         * @throws io.bpfring.CorruptRingException if data_head and data_tail cannot be
         */
        public long availableBytes() {
            loop.checkOpen();
            return consumer.availableBytes();
        }

        private void release() {
            try {
                Sys.ioctl(fd, PERF_EVENT_IOC_DISABLE, 0, "ioctl(PERF_EVENT_IOC_DISABLE, CPU " + cpu + ")");
                if (inMap) {
                    // The map holds the event open: take it out so closing the fd frees it.
                    try (Arena local = Arena.ofConfined()) {
                        map.delete(local.allocateFrom(JAVA_INT, cpu));
                    }
                }
            } catch (IllegalStateException e) {
                // The map was closed first: the kernel drops its entries when it frees the map.
            } finally {
                Sys.close(fd);
            }
        }
    }

    /** Routes one CPU's records to the user's handlers, counting losses. */
    private final class Dispatch implements PerfRecordHandler {
        private final int cpu;
        private final SampleHandler onSample;
        private final ControlledSampleHandler onControlledSample;
        private final LostHandler onLost;
        /** Copies a sample into the running read's buffer, and reports losses as the handler does. */
        private final PerfRecordHandler copier = new PerfRecordHandler() {
            @Override
            public boolean onSample(RecordView sample) {
                readTarget.fill(cpu, sample.position(), sample.data(), sample.offset(), sample.length());
                return true;
            }

            @Override
            public void onLost(long count) {
                Dispatch.this.onLost(count);
            }
        };
        /** Where the running read copies its sample. */
        private RecordBuffer readTarget;

        Dispatch(int cpu, SampleHandler onSample, ControlledSampleHandler onControlledSample, LostHandler onLost) {
            this.cpu = cpu;
            this.onSample = onSample;
            this.onControlledSample = onControlledSample;
            this.onLost = onLost;
        }

        /** Delivers at most {@code max} samples of {@code consumer} to the handler the reader has. */
        int consume(PerfRingConsumer consumer, long max) {
            return onSample != null ? consumer.consume(this, max)
                    : consumer.consumeControlled(this::onControlledSample, this::onLost, max);
        }

        private ControlledRecordHandler.Action onControlledSample(RecordView sample) {
            ControlledRecordHandler.Action action = onControlledSample.onSample(cpu, sample);
            if (action != ControlledRecordHandler.Action.CONTINUE) {
                loop.stop();
            }
            return action;
        }

        @Override
        public boolean onSample(RecordView sample) {
            boolean goOn = onSample.onSample(cpu, sample);
            if (!goOn) {
                loop.stop();
            }
            return goOn;
        }

        @Override
        public void onLost(long count) {
            lost += count;
            onLost.onLost(cpu, count);
        }
    }

    /** Options of a {@link PerfBufReader}. */
    public static final class Builder {
        private final BpfMap map;
        private int pagesPerCpu = 8;
        private int wakeupEvents = 1;
        private int watermarkBytes;
        private SampleHandler onSample;
        private ControlledSampleHandler onControlledSample;
        private LostHandler onLost = (cpu, lost) -> { };

        private Builder(BpfMap map) {
            this.map = map;
        }

        /** Data pages of each CPU's buffer: a power of 2 (default 8). */
        public Builder pagesPerCpu(int pages) {
            if (pages <= 0 || Integer.bitCount(pages) != 1) {
                throw new IllegalArgumentException("pages per CPU must be a power of 2, got " + pages);
            }
            this.pagesPerCpu = pages;
            return this;
        }

        /** Wake the reader after every {@code n} samples of a CPU (default 1: every sample). */
        public Builder wakeupEvents(int n) {
            if (n <= 0) {
                throw new IllegalArgumentException("wakeup events must be positive, got " + n);
            }
            this.wakeupEvents = n;
            this.watermarkBytes = 0;
            return this;
        }

        /** Wake the reader when a CPU's buffer holds {@code bytes} unread bytes, instead of by count. */
        public Builder watermarkBytes(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("watermark must be positive, got " + bytes);
            }
            this.watermarkBytes = bytes;
            return this;
        }

        /** Where samples go; replaces a handler set before. */
        public Builder onSample(SampleHandler handler) {
            this.onSample = handler;
            this.onControlledSample = null;
            return this;
        }

        /** Where samples go, the handler saying whether it took each; replaces a handler set before. */
        public Builder onSampleControlled(ControlledSampleHandler handler) {
            this.onControlledSample = handler;
            this.onSample = null;
            return this;
        }

        /** Told of lost samples (default: only counted, see {@link PerfBufReader#lost()}). */
        public Builder onLost(LostHandler handler) {
            this.onLost = handler;
            return this;
        }

        public PerfBufReader open() {
            if (onSample == null && onControlledSample == null) {
                throw new IllegalStateException("set a sample handler with onSample or onSampleControlled before open");
            }
            if (watermarkBytes >= pagesPerCpu * Sys.pageSize()) {
                throw new IllegalArgumentException("a watermark of " + watermarkBytes
                        + " bytes never fills a buffer of " + pagesPerCpu * Sys.pageSize() + " bytes");
            }
            return new PerfBufReader(this);
        }
    }
}
