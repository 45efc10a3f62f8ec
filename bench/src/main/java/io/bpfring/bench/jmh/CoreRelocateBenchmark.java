package io.bpfring.bench.jmh;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfExt;
import io.bpfring.btf.CoreFixup;
import io.bpfring.btf.CoreRelocator;
import io.bpfring.btf.TargetBtf;
import io.bpfring.elf.ElfFile;
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
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * CO-RE relocation of an object (by default {@code testdata/lifecycle.bpf.o}: 9 programs, 43
 * relocations; {@code -Dbpfring.object=path} for another) against the running kernel's BTF:
 * every section's fixups computed and applied. {@code warm}: the kernel's BTF parsed and its
 * indexes built beforehand, as a loader that keeps them does; {@code cold}: a fresh target
 * from the parsed BTF, so the name and flavour indexes are built in the measurement.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CoreRelocateBenchmark {
    private Btf local;
    private Map<String, List<BtfExt.CoreRelo>> relos;
    private Map<String, long[]> code;
    private TargetBtf warm;
    private byte[] vmlinux;

    @Setup
    public void read() throws IOException {
        ElfFile elf = ElfFile.read(object());
        local = Btf.parse(elf.section(".BTF").orElseThrow().data());
        relos = BtfExt.parse(elf.section(".BTF.ext").orElseThrow().data(), local).coreRelos();
        code = new LinkedHashMap<>();
        for (String section : relos.keySet()) {
            code.put(section, elf.section(section).orElseThrow().data()
                    .toArray(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN)));
        }
        warm = TargetBtf.kernel();
        relocate(warm);
        vmlinux = Files.readAllBytes(Btf.KERNEL);
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

    private int relocate(TargetBtf target) {
        CoreRelocator relocator = new CoreRelocator(local, target);
        int poisoned = 0;
        for (var e : relos.entrySet()) {
            List<CoreFixup> fixups = relocator.relocate(e.getKey(), e.getValue());
            poisoned += CoreFixup.applyAll(fixups, code.get(e.getKey()).clone()).size();
        }
        return poisoned;
    }

    @Benchmark
    public int warm() {
        return relocate(warm);
    }

    @Benchmark
    public int cold() {
        return relocate(TargetBtf.of(Btf.parse(vmlinux)));
    }
}
