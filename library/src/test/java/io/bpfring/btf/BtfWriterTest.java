package io.bpfring.btf;

import io.bpfring.BtfException;
import io.bpfring.elf.ElfFile;
import io.bpfring.elf.Symbol;
import io.bpfring.testing.Fixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BtfWriterTest {
    private static byte[] kernelBytes() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(Btf.KERNEL), "the kernel publishes no BTF at " + Btf.KERNEL);
        return Files.readAllBytes(Btf.KERNEL);
    }

    private static List<byte[]> objectBtfs() throws IOException {
        List<byte[]> blobs = new ArrayList<>();
        for (Path path : Fixtures.objects()) {
            blobs.add(ElfFile.read(path).section(".BTF").orElseThrow().data().toArray(ValueLayout.JAVA_BYTE));
        }
        return blobs;
    }

    /** Every type replaced by its own decoding: the encoder has to give back every byte. */
    private static byte[] reencoded(Btf btf) {
        BtfWriter writer = BtfWriter.of(btf);
        for (int id = btf.firstId(); id < btf.typeCount(); id++) {
            writer.set(id, btf.type(id));
        }
        return writer.toBytes();
    }

    @Test
    void unmodifiedKernelBtfIsWrittenBackByteForByte() throws IOException {
        byte[] bytes = kernelBytes();
        Btf btf = Btf.parse(bytes);
        assertArrayEquals(bytes, BtfWriter.of(btf).toBytes());
        assertArrayEquals(bytes, reencoded(btf));
    }

    @Test
    void unmodifiedObjectBtfIsWrittenBackByteForByte() throws IOException {
        for (byte[] bytes : objectBtfs()) {
            Btf btf = Btf.parse(bytes);
            assertArrayEquals(bytes, BtfWriter.of(btf).toBytes());
            assertArrayEquals(bytes, reencoded(btf));
        }
    }

    @Test
    void fillsInDatasecSizesAndVarOffsetsAsALoaderDoes() throws IOException {
        ElfFile elf = ElfFile.read(Fixtures.object("globals.bpf.o"));
        byte[] bytes = elf.section(".BTF").orElseThrow().data().toArray(ValueLayout.JAVA_BYTE);
        Btf btf = Btf.parse(bytes);
        int rodataId = btf.find(".rodata", BtfKind.DATASEC).orElseThrow();
        BtfType.Datasec rodata = (BtfType.Datasec) btf.type(rodataId);
        List<BtfType.VarSecinfo> vars = new ArrayList<>();
        for (BtfType.VarSecinfo v : rodata.vars()) {
            Symbol symbol = elf.symbols().stream().filter(s -> s.name().equals(btf.name(v.type()))).findFirst()
                    .orElseThrow();
            vars.add(new BtfType.VarSecinfo(v.type(), (int) symbol.value(), v.size()));
        }
        int size = (int) elf.section(".rodata").orElseThrow().size();
        BtfWriter writer = BtfWriter.of(btf).set(rodataId, new BtfType.Datasec(".rodata", size, vars));
        Btf fixed = Btf.parse(writer.toBytes());

        assertEquals(btf.typeCount(), fixed.typeCount());
        assertEquals(new BtfType.Datasec(".rodata", 0x20, List.of(
                new BtfType.VarSecinfo(rodata.vars().get(0).type(), 0, 4),   // rodata_int
                new BtfType.VarSecinfo(rodata.vars().get(1).type(), 4, 1),   // rodata_bool
                new BtfType.VarSecinfo(rodata.vars().get(2).type(), 8, 4),   // rodata_mode
                new BtfType.VarSecinfo(rodata.vars().get(3).type(), 12, 16), // rodata_name
                new BtfType.VarSecinfo(rodata.vars().get(4).type(), 28, 4))), // targ_tgid
                fixed.type(rodataId));
        for (int id = 1; id < btf.typeCount(); id++) {
            if (id != rodataId) {
                assertEquals(btf.type(id), fixed.type(id));
            }
        }
        assertEquals(bytes.length, writer.toBytes().length, "same size: no string was added");
    }

    @Test
    void replacesKindsTheKernelLacks() throws IOException {
        // As libbpf sanitises for old kernels: a VAR becomes an INT, a global FUNC a static one.
        Btf btf = Btf.parse(objectBtfs().getFirst());
        BtfWriter writer = BtfWriter.of(btf);
        List<Integer> vars = new ArrayList<>();
        for (int id = 1; id < btf.typeCount(); id++) {
            switch (btf.type(id)) {
                case BtfType.Var v -> {
                    writer.set(id, new BtfType.Int(v.name(), 1, 0, 0, 8));
                    vars.add(id);
                }
                case BtfType.Func f -> writer.set(id, new BtfType.Func(f.name(), f.type(), BtfType.Linkage.STATIC));
                default -> {
                }
            }
        }
        Btf sanitised = Btf.parse(writer.toBytes());
        assertTrue(!vars.isEmpty());
        for (int id : vars) {
            assertEquals(BtfKind.INT, sanitised.kind(id));
            assertEquals(btf.name(id), sanitised.name(id));
        }
    }

    @Test
    void writesEveryKindFromNothing() {
        BtfWriter w = BtfWriter.empty();
        int i32 = w.add(new BtfType.Int("int", 4, BtfType.Int.SIGNED, 0, 32));
        int u8 = w.add(new BtfType.Int("unsigned char", 1, 0, 0, 8));
        int ptr = w.add(new BtfType.Pointer(i32));
        int array = w.add(new BtfType.Array(u8, i32, 16));
        int bits = w.add(new BtfType.Struct("bits", 8, List.of(
                new BtfType.Member("a", u8, 0, 3),
                new BtfType.Member("b", u8, 3, 5),
                new BtfType.Member("p", ptr, 32, 0)), true));
        int union = w.add(new BtfType.Union("", 16, List.of(new BtfType.Member("raw", array, 0, 0)), false));
        int e32 = w.add(new BtfType.Enum("e", 4, true, List.of(new BtfType.EnumValue("MINUS", -1),
                new BtfType.EnumValue("ONE", 1))));
        int e64 = w.add(new BtfType.Enum64("big", 8, false, List.of(new BtfType.EnumValue("TOP", -2L))));
        int fwd = w.add(new BtfType.Fwd("later", true));
        int typedef = w.add(new BtfType.Typedef("s32", i32));
        int vol = w.add(new BtfType.Volatile(typedef));
        int cnst = w.add(new BtfType.Const(vol));
        int restrict = w.add(new BtfType.Restrict(ptr));
        int proto = w.add(new BtfType.FuncProto(i32, List.of(new BtfType.Param("x", cnst),
                new BtfType.Param("", 0))));
        int func = w.add(new BtfType.Func("f", proto, BtfType.Linkage.GLOBAL));
        int var = w.add(new BtfType.Var("v", union, BtfType.Linkage.STATIC));
        int sec = w.add(new BtfType.Datasec(".data", 16, List.of(new BtfType.VarSecinfo(var, 0, 16))));
        int dbl = w.add(new BtfType.Float("double", 8));
        int decl = w.add(new BtfType.DeclTag("tagged", bits, 1, false));
        int tag = w.add(new BtfType.TypeTag("user", i32, false));

        Btf btf = Btf.parse(w.toBytes());
        assertEquals(21, btf.typeCount());
        for (int id = 1; id < btf.typeCount(); id++) {
            assertEquals(w.type(id), btf.type(id), "type id " + id);
        }
        assertEquals("struct bits {\n\tunsigned char a: 3;\n\tunsigned char b: 5;\n\tint *p;\n};", btf.definition(bits));
        assertEquals("int f(const volatile s32 x, ...);", btf.definition(func));
        assertEquals("int *restrict", btf.typeName(restrict));
        assertEquals("union later", btf.typeName(fwd));
        assertEquals("enum e {\n\tMINUS = -1,\n\tONE = 1,\n};", btf.definition(e32));
        assertEquals("enum big {\n\tTOP = 18446744073709551614,\n};", btf.definition(e64));
        assertEquals(16, btf.sizeOf(sec));
        assertEquals(8, btf.sizeOf(dbl));
        assertEquals(4, btf.sizeOf(tag));
        assertEquals(8, btf.sizeOf(decl));
        assertEquals(i32, btf.find("int", BtfKind.INT).orElseThrow());
        assertEquals(w.string("s32"), btf.word(typedef, 0), "a string already written keeps its offset");
    }

    @Test
    void splitBtfContinuesItsBase() throws IOException {
        Btf kernel = Btf.parse(kernelBytes());
        int baseInt = kernel.find("int", BtfKind.INT).orElseThrow();
        int task = kernel.find("task_struct", BtfKind.STRUCT).orElseThrow();
        BtfWriter w = BtfWriter.split(kernel);
        int ptr = w.add(new BtfType.Pointer(task));
        int struct = w.add(new BtfType.Struct("bpfring_split_test", 16, List.of(
                new BtfType.Member("count", baseInt, 0, 0),
                new BtfType.Member("task", ptr, 64, 0)), false));
        int typedef = w.add(new BtfType.Typedef("pid_t", baseInt));
        Btf split = Btf.parse(java.lang.foreign.MemorySegment.ofArray(w.toBytes()), kernel);

        assertEquals(kernel.typeCount(), split.firstId());
        assertEquals(kernel.typeCount(), ptr);
        assertEquals(kernel.typeCount() + 3, split.typeCount());
        assertEquals(struct, split.find("bpfring_split_test", BtfKind.STRUCT).orElseThrow());
        assertEquals(task, split.find("task_struct", BtfKind.STRUCT).orElseThrow(), "base types are found too");
        assertEquals(List.of(kernel.find("pid_t", BtfKind.TYPEDEF).orElseThrow(), typedef), split.findAll("pid_t"));
        assertEquals("struct bpfring_split_test {\n\tint count;\n\tstruct task_struct *task;\n};",
                split.definition(struct));
        assertEquals(16, split.sizeOf(struct));
        assertEquals(kernel.type(task), split.type(task));
        // A name the base has keeps the base's offset; a new one goes after the base's strings.
        assertTrue(split.word(typedef, 0) < split.firstString());
        assertTrue(split.word(struct, 0) >= split.firstString());
        assertEquals("bpfring_split_test", split.string(split.word(struct, 0)));
        assertThrows(BtfException.class, () -> Btf.parse(w.toBytes()), "split BTF without its base");
    }

    @Test
    void refusesWhatCannotBeWritten() {
        BtfWriter w = BtfWriter.empty();
        int u8 = w.add(new BtfType.Int("u8", 1, 0, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> w.set(0, new BtfType.Pointer(u8)));
        assertThrows(IllegalArgumentException.class, () -> w.set(5, new BtfType.Pointer(u8)));
        assertThrows(IllegalArgumentException.class, () -> w.add(BtfType.Void.INSTANCE));
        w.add(new BtfType.Struct("s", 1, List.of(new BtfType.Member("a", u8, 0, 3)), false));
        assertThrows(IllegalArgumentException.class, w::toBytes, "a bitfield size needs bitfieldOffsets");
    }
}
