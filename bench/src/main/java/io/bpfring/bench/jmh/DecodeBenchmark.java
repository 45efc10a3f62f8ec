package io.bpfring.bench.jmh;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfType;
import io.bpfring.btf.BtfWriter;
import io.bpfring.decode.RecordDecoder;
import io.bpfring.decode.TextBuffer;
import io.bpfring.ring.RecordHandler;
import io.bpfring.ring.RecordView;
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

import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The decoder alone, as {@code run --json} uses it: records laid out in native memory as a ring
 * holds them, decoded into a {@link TextBuffer} that hands full 64 KiB batches to a stream that
 * discards them. Two events: the exec event (s32 pid, char comm[16], char filename[512]: 532
 * bytes) and a 24-byte one (u32 pid, tid; u64 ts; s32 ret; u32 flags). Reports records per
 * second; run with {@code -prof gc} for the bytes allocated per record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class DecodeBenchmark {
    /** Distinct records cycled through, so that string lengths and digits vary as in a real trace. */
    static final int RECORDS = 1024;

    @Param({"exec", "small"})
    String event;

    private Arena arena;
    private MemorySegment ring;
    /** The same records behind ring headers, read by a consumer as a ring handler gets them. */
    private MemorySegment consumerPos;
    private RingConsumer consumer;
    private RecordHandler toJson;
    private RecordDecoder decoder;
    private int stride;
    private int size;
    private final TextBuffer out = new TextBuffer(OutputStream.nullOutputStream());

    @Setup(Level.Trial)
    public void fill() {
        Btf btf = Btf.parse(types());
        decoder = RecordDecoder.forStruct(btf, event);
        size = decoder.size();
        stride = (size + 8 + 7) & ~7; // payload and the next record's header, 8-byte aligned
        arena = Arena.ofShared();
        ring = arena.allocate((long) stride * RECORDS, 8);
        Random random = new Random(42);
        List<String> comms = List.of("bash", "sh", "ls", "cat", "python3", "systemd-journal", "kworker/u8:2", "git");
        List<String> files = List.of("/usr/bin/ls", "/bin/sh", "/usr/lib/systemd/systemd-journald", "/usr/bin/git",
                "/usr/local/lib/python3.12/site-packages/bin/tool", "/usr/bin/cat", "./configure", "/usr/bin/env");
        ValueLayout.OfInt s32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        ValueLayout.OfLong s64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < RECORDS; i++) {
            long at = (long) i * stride;
            if (event.equals("exec")) {
                ring.set(s32, at, 1 + random.nextInt(4_000_000));
                string(ring, at + 4, comms.get(random.nextInt(comms.size())));
                string(ring, at + 20, files.get(random.nextInt(files.size())));
            } else {
                int pid = 1 + random.nextInt(4_000_000);
                ring.set(s32, at, pid);
                ring.set(s32, at + 4, pid + random.nextInt(8));
                ring.set(s64, at + 8, 1_000_000_000L * 3600 + random.nextLong(1L << 40));
                ring.set(s32, at + 16, random.nextInt(10) - 2);
                ring.set(s32, at + 20, random.nextInt(1 << 20));
            }
        }
        fillRing();
    }

    /** The records again, each behind a committed ring header, for {@link #jsonFromView}. */
    private void fillRing() {
        long span = RingLayout.span(size);
        // Larger than the records: a producer stays less than a whole ring ahead of its consumer.
        long ringSize = Long.highestOneBit(span * RECORDS) << 1;
        MemorySegment data = arena.allocate(2 * ringSize, 8);
        for (int i = 0; i < RECORDS; i++) {
            data.set(ValueLayout.JAVA_INT, i * span, size);
            MemorySegment.copy(ring, (long) i * stride, data, i * span + RingLayout.HEADER_SIZE, size);
        }
        consumerPos = arena.allocate(8, 8);
        MemorySegment producerPos = arena.allocate(8, 8);
        producerPos.set(ValueLayout.JAVA_LONG, 0, span * RECORDS);
        consumer = new RingConsumer(consumerPos, producerPos, data, ringSize);
        toJson = record -> {
            decoder.writeJson(record, out);
            return true;
        };
    }

    private static void string(MemorySegment s, long at, String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, at, b.length);
        s.set(ValueLayout.JAVA_BYTE, at + b.length, (byte) 0);
    }

    /** The two structs' BTF, as clang writes them. */
    private static byte[] types() {
        BtfWriter w = BtfWriter.empty();
        int s32 = w.add(new BtfType.Int("int", 4, BtfType.Int.SIGNED, 0, 32));
        int u32 = w.add(new BtfType.Int("unsigned int", 4, 0, 0, 32));
        int u64 = w.add(new BtfType.Int("unsigned long long", 8, 0, 0, 64));
        int chr = w.add(new BtfType.Int("char", 1, BtfType.Int.SIGNED, 0, 8));
        int index = w.add(new BtfType.Int("__ARRAY_SIZE_TYPE__", 4, 0, 0, 32));
        int pid = w.add(new BtfType.Typedef("pid_t", s32));
        int comm = w.add(new BtfType.Array(chr, index, 16));
        int filename = w.add(new BtfType.Array(chr, index, 512));
        w.add(new BtfType.Struct("exec", 532, List.of(new BtfType.Member("pid", pid, 0, 0),
                new BtfType.Member("comm", comm, 32, 0), new BtfType.Member("filename", filename, 160, 0)), false));
        w.add(new BtfType.Struct("small", 24, List.of(new BtfType.Member("pid", u32, 0, 0),
                new BtfType.Member("tid", u32, 32, 0), new BtfType.Member("ts", u64, 64, 0),
                new BtfType.Member("ret", s32, 128, 0), new BtfType.Member("flags", u32, 160, 0)), false));
        return w.toBytes();
    }

    @TearDown(Level.Trial)
    public void close() {
        arena.close();
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int json() {
        for (int i = 0; i < RECORDS; i++) {
            decoder.writeJson(ring, (long) i * stride, size, out);
        }
        return out.length();
    }

    /**
     * As a ring handler does it: from the {@link RecordView} each record is handed in, the
     * consume loop's own cost included (a few ns a record: RingConsumeBenchmark).
     */
    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int jsonFromView() {
        consumerPos.set(ValueLayout.JAVA_LONG, 0, 0L);
        consumer.consume(toJson, RECORDS);
        return out.length();
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public int row() {
        for (int i = 0; i < RECORDS; i++) {
            decoder.writeRow(ring, (long) i * stride, size, out);
        }
        return out.length();
    }
}
