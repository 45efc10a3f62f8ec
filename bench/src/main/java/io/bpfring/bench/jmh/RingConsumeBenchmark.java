package io.bpfring.bench.jmh;

import io.bpfring.ring.RecordHandler;
import io.bpfring.ring.RingConsumer;
import io.bpfring.ring.RingLayout;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The pure consume path: {@link RingConsumer} over memory filled with committed records, as the
 * kernel leaves them, with no kernel in the loop. Reports ns per record; run with
 * {@code -prof gc} for the bytes allocated per record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RingConsumeBenchmark {
    private static final int SIZE = 1 << 20;
    /** Records per invocation: fits the ring at every payload measured. */
    static final int RECORDS = 8192;

    /** Payload bytes per record; the kernel bench's samples are 8. */
    @Param({"8", "64"})
    int payload;

    private Arena arena;
    private MemorySegment consumerPos;
    private MemorySegment producerPos;
    private RingConsumer consumer;
    private long sum;
    private final RecordHandler handler = record -> {
        sum += record.getLong(0);
        return true;
    };

    @Setup(Level.Trial)
    public void fill() {
        arena = Arena.ofShared(); // as the reader's mappings are
        consumerPos = arena.allocate(8, 8);
        producerPos = arena.allocate(8, 8);
        MemorySegment data = arena.allocate(2L * SIZE, 4096);
        long span = RingLayout.span(payload);
        for (int i = 0; i < RECORDS; i++) {
            data.set(JAVA_INT, i * span, payload);
            data.set(JAVA_LONG, i * span + RingLayout.HEADER_SIZE, i);
        }
        producerPos.set(JAVA_LONG, 0, RECORDS * span);
        consumer = new RingConsumer(consumerPos, producerPos, data, SIZE);
    }

    @TearDown(Level.Trial)
    public void release() {
        arena.close();
    }

    /** Consumes every record; JMH divides the time by {@link #RECORDS}. */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long consumeRing() {
        consumerPos.set(JAVA_LONG, 0, 0);
        sum = 0;
        int delivered = consumer.consume(handler, Long.MAX_VALUE);
        if (delivered != RECORDS) {
            throw new IllegalStateException("consumed " + delivered + " of " + RECORDS);
        }
        return sum;
    }
}
