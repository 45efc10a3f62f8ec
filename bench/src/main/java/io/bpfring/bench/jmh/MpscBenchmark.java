package io.bpfring.bench.jmh;

import io.bpfring.bench.mpsc.Contender;
import io.bpfring.bench.mpsc.Structure;
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

import java.util.concurrent.TimeUnit;

/**
 * Many producers, one consumer, in one JVM: bpfring's {@code MemoryRing} beside agrona's
 * {@code ManyToOneRingBuffer}, JCTools' {@code MpscArrayQueue} (of pre-allocated payloads) and
 * the LMAX Disruptor (multi-producer, busy-spin), with the same record size (see
 * {@link Structure}). The benchmark threads produce (run with {@code -t 1} and {@code -t 2}); one
 * consumer thread per trial reads each record's first 8 bytes. The score is records produced per
 * second. On a machine whose speed swings, {@code bpfring mpsc} compares them more fairly: it
 * lets them take turns.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"})
public class MpscBenchmark {
    @Param({"bpfring", "agrona", "jctools", "disruptor"})
    String structure;

    @Param({"16", "256"})
    int recordSize;

    private Contender contender;

    @Setup(Level.Trial)
    public void setUp() {
        contender = Structure.ofLabel(structure).create(recordSize);
        contender.startConsumer();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        contender.stopConsumer();
        contender.close();
    }

    /** A producer thread's own producer (JCTools' keeps its payloads). */
    @State(Scope.Thread)
    public static class Producer {
        Runnable produce;

        @Setup(Level.Trial)
        public void setUp(MpscBenchmark benchmark) {
            produce = benchmark.contender.producer();
        }
    }

    /** Writes and commits one record, waiting while the structure is full. */
    @Benchmark
    public void produce(Producer producer) {
        producer.produce.run();
    }
}
