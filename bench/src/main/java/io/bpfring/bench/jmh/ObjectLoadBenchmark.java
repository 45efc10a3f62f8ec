package io.bpfring.bench.jmh;

import io.bpfring.object.BpfObject;
import io.bpfring.object.ObjectSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Loading an object (by default {@code testdata/lifecycle.bpf.o}: 9 programs, 1452 instructions,
 * 8 maps; {@code -Dbpfring.object=path} for another), to compare with
 * {@code bpftool prog loadall}: {@code load} parses, relocates (CO-RE against the running
 * kernel), creates the maps, loads the programs and closes it all; {@code open} only parses.
 * Sampled, so JMH reports the median. For cold starts, as bpftool always is, run one shot per
 * fresh JVM: {@code -bm ss -wi 0 -i 1 -f 20}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ObjectLoadBenchmark {
    private byte[] object;

    @Setup
    public void read() throws IOException {
        object = Files.readAllBytes(object());
    }

    private static Path object() {
        String given = System.getProperty("bpfring.object");
        if (given != null) {
            return Path.of(given);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("testdata/lifecycle.bpf.o");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no testdata/lifecycle.bpf.o here or above; give -Dbpfring.object=path");
    }

    @Benchmark
    public int load() {
        try (BpfObject o = ObjectSpec.parse("lifecycle", object).load()) {
            return o.programs().size();
        }
    }

    @Benchmark
    public int open() {
        return ObjectSpec.parse("lifecycle", object).programs().size();
    }
}
