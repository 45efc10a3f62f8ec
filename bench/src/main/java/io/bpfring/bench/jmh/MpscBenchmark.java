package io.bpfring.bench.jmh;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import com.lmax.disruptor.util.DaemonThreadFactory;
import io.bpfring.reader.MemoryRing;
import io.bpfring.ring.RecordHandler;
import io.bpfring.ring.RingProducer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.jctools.queues.MpscArrayQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * Many producers, one consumer, in one JVM: bpfring's {@link MemoryRing} beside agrona's
 * {@code ManyToOneRingBuffer}, JCTools' {@code MpscArrayQueue} (of pre-allocated payloads) and
 * the LMAX Disruptor (multi-producer, busy-spin), with the same record size. The benchmark
 * threads produce (run with {@code -t 1} and {@code -t 2}); one consumer thread per trial drains
 * and reads each record's first 8 bytes. Each structure holds 1 MiB of records (the queues the
 * same number of slots). The score is records produced per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class MpscBenchmark {
    private static final int BYTES = 1 << 20;

    @Param({"16", "256"})
    int recordSize;

    private volatile boolean running;
    private Thread consumer;
    /**
     * What the consumer reads goes to the middle of an array of its own: written for every
     * record, it must not share a cache line with the fields the producers read.
     */
    private final long[] consumed = new long[16];
    private static final int SUM = 8;

    // bpfring
    private MemoryRing ring;
    // agrona
    private ManyToOneRingBuffer agrona;
    private UnsafeBuffer agronaSource;
    // JCTools
    private MpscArrayQueue<byte[]> queue;
    private byte[][] payloads;
    // Disruptor
    private Disruptor<Slot> disruptor;
    private RingBuffer<Slot> disruptorRing;

    /** A Disruptor slot with its payload allocated once. */
    public static final class Slot {
        final byte[] payload;

        Slot(int size) {
            this.payload = new byte[size];
        }
    }

    private void consumeWith(Runnable drainOnce) {
        running = true;
        consumer = Thread.ofPlatform().name("mpsc-consumer").start(() -> {
            while (running) {
                drainOnce.run();
            }
        });
    }

    @Setup(Level.Trial)
    public void setUp(org.openjdk.jmh.infra.BenchmarkParams params) {
        String benchmark = params.getBenchmark();
        if (benchmark.endsWith("bpfring")) {
            ring = MemoryRing.inMemory(BYTES);
            RecordHandler handler = record -> {
                consumed[SUM] += record.getLong(0);
                return true;
            };
            consumeWith(() -> ring.consume(handler));
        } else if (benchmark.endsWith("agrona")) {
            agrona = new ManyToOneRingBuffer(new UnsafeBuffer(
                    ByteBuffer.allocateDirect(BYTES + RingBufferDescriptor.TRAILER_LENGTH)));
            agronaSource = new UnsafeBuffer(new byte[recordSize]);
            MessageHandler handler = (type, buffer, index, length) -> consumed[SUM] += buffer.getLong(index);
            consumeWith(() -> agrona.read(handler));
        } else if (benchmark.endsWith("jctools")) {
            int slots = Integer.highestOneBit(BYTES / (recordSize + 8));
            queue = new MpscArrayQueue<>(slots);
            payloads = new byte[slots * 2][recordSize];
            consumeWith(() -> queue.drain(payload -> consumed[SUM] += payload[0]));
        } else {
            int slots = Integer.highestOneBit(BYTES / (recordSize + 8));
            disruptor = new Disruptor<>(() -> new Slot(recordSize), slots, DaemonThreadFactory.INSTANCE,
                    ProducerType.MULTI, new BusySpinWaitStrategy());
            EventHandler<Slot> handler = (slot, sequence, endOfBatch) -> consumed[SUM] += slot.payload[0];
            disruptor.handleEventsWith(handler);
            disruptorRing = disruptor.start();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        running = false;
        if (consumer != null) {
            consumer.join();
        }
        if (ring != null) {
            ring.close();
        }
        if (disruptor != null) {
            disruptor.halt();
        }
    }

    /** bpfring: reserve in place, write, commit (no wake-up: the consumer spins). */
    @Benchmark
    public void bpfring() {
        long position;
        while ((position = ring.reserve(recordSize)) < 0) {
            Thread.onSpinWait();
        }
        MemorySegment data = ring.data();
        data.set(JAVA_LONG_UNALIGNED, ring.payloadOffset(position), 1L);
        ring.commit(position, RingProducer.NO_WAKEUP);
    }

    /** agrona: claim in place, write, commit. */
    @Benchmark
    public void agrona() {
        int index;
        while ((index = agrona.tryClaim(1, recordSize)) < 0) {
            Thread.onSpinWait();
        }
        agrona.buffer().putLong(index, 1L);
        agrona.commit(index);
    }

    /** JCTools: offer a pre-allocated payload (no copy, no allocation). */
    @Benchmark
    public void jctools(ThreadSlot slot) {
        byte[] payload = payloads[slot.next(payloads.length)];
        payload[0] = 1;
        while (!queue.offer(payload)) {
            Thread.onSpinWait();
        }
    }

    /** Disruptor: claim a slot, write its pre-allocated payload, publish. */
    @Benchmark
    public void disruptor() {
        long sequence = disruptorRing.next();
        disruptorRing.get(sequence).payload[0] = 1;
        disruptorRing.publish(sequence);
    }

    /** Each producer thread cycles through the pre-allocated payloads. */
    @State(Scope.Thread)
    public static class ThreadSlot {
        private int index;

        int next(int count) {
            index = (index + 1) % count;
            return index;
        }
    }
}
