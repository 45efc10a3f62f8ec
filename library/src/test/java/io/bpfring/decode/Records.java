package io.bpfring.decode;

import io.bpfring.btf.Btf;
import io.bpfring.elf.ElfFile;
import io.bpfring.elf.Symbol;
import io.bpfring.testing.Fixtures;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Records built byte by byte as a C compiler lays the struct out, and the fixtures' types. */
final class Records {
    private final ByteBuffer bytes;

    private Records(int size) {
        bytes = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    static Records of(int size) {
        return new Records(size);
    }

    Records u8(int at, int v) {
        bytes.put(at, (byte) v);
        return this;
    }

    Records u16(int at, int v) {
        bytes.putShort(at, (short) v);
        return this;
    }

    Records u32(int at, long v) {
        bytes.putInt(at, (int) v);
        return this;
    }

    Records u64(int at, long v) {
        bytes.putLong(at, v);
        return this;
    }

    Records f32(int at, float v) {
        bytes.putFloat(at, v);
        return this;
    }

    Records f64(int at, double v) {
        bytes.putDouble(at, v);
        return this;
    }

    /** A C string: its bytes then a NUL, in a char array at {@code at}. */
    Records str(int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        bytes.put(at, b);
        bytes.put(at + b.length, (byte) 0);
        return this;
    }

    Records raw(int at, byte... b) {
        bytes.put(at, b);
        return this;
    }

    byte[] array() {
        return bytes.array();
    }

    MemorySegment segment() {
        return MemorySegment.ofArray(bytes.array());
    }

    /** The {@code .BTF} of a fixture object. */
    static Btf btf(String object) {
        try {
            ElfFile elf = ElfFile.read(Fixtures.object(object));
            return Btf.parse(elf.section(".BTF").orElseThrow().data());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The initial value of the global {@code name} of a fixture object: its bytes in the data
     * section, laid out by the compiler, as the program would send it.
     */
    static byte[] global(String object, String name) {
        try {
            ElfFile elf = ElfFile.read(Fixtures.object(object));
            Symbol symbol = elf.symbols().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
            MemorySegment data = elf.section(symbol.sectionIndex()).data();
            return data.asSlice(symbol.value(), symbol.size()).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The exec event every execsnoop variant sends: s32 pid, char comm[16], char filename[512]. */
    static MemorySegment execEvent(int pid, String comm, String filename) {
        return of(532).u32(0, pid).str(4, comm).str(20, filename).segment();
    }
}
