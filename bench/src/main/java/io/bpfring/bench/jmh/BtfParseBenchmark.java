package io.bpfring.bench.jmh;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfKind;
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
import java.util.concurrent.TimeUnit;

/**
 * Parsing the running kernel's BTF ({@code /sys/kernel/btf/vmlinux}, some 6 MB and 100k+
 * types): the checked parse alone, with the name index a first lookup builds, with the file
 * read, and decoding every type into records.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BtfParseBenchmark {
    private byte[] vmlinux;
    private Btf parsed;

    @Setup
    public void read() throws IOException {
        vmlinux = Files.readAllBytes(Btf.KERNEL);
        parsed = Btf.parse(vmlinux);
    }

    @Benchmark
    public Btf parse() {
        return Btf.parse(vmlinux);
    }

    @Benchmark
    public int parseAndFind() {
        return Btf.parse(vmlinux).find("task_struct", BtfKind.STRUCT).orElseThrow();
    }

    @Benchmark
    public Btf readAndParse() throws IOException {
        return Btf.read(Btf.KERNEL);
    }

    @Benchmark
    public int decodeEveryType() {
        int members = 0;
        for (int id = 1; id < parsed.typeCount(); id++) {
            members += parsed.type(id).name().length();
        }
        return members;
    }
}
