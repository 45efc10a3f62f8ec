package io.bpfring.btf;

import io.bpfring.BtfException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each kind of damage gives a BtfException that says what is wrong and where. */
class BadBtfTest {
    private static void fails(String expected, Executable e) {
        String message = assertThrows(BtfException.class, e).getMessage();
        assertTrue(message.contains(expected), "'" + message + "' does not say '" + expected + "'");
    }

    /** A small valid blob: [1] int, [2] int *, [3] struct s { int a; int *b; }. */
    private static byte[] small() {
        BtfWriter w = BtfWriter.empty();
        w.add(new BtfType.Int("int", 4, BtfType.Int.SIGNED, 0, 32));
        w.add(new BtfType.Pointer(1));
        w.add(new BtfType.Struct("s", 16, List.of(new BtfType.Member("a", 1, 0, 0),
                new BtfType.Member("b", 2, 64, 0)), false));
        return w.toBytes();
    }

    private static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Test
    void header() {
        fails("BTF header truncated: 10 bytes", () -> Btf.parse(new byte[10]));
        byte[] b = small();
        le(b).putShort(0, (short) 0x9feb);
        fails("big-endian BTF", () -> Btf.parse(b));
        byte[] c = small();
        le(c).putShort(0, (short) 0x1234);
        fails("not BTF: magic 0x1234 at offset 0", () -> Btf.parse(c));
        byte[] d = small();
        d[2] = 2;
        fails("BTF version 2", () -> Btf.parse(d));
        byte[] e = small();
        le(e).putInt(4, 1 << 30);
        fails("BTF header length 1073741824", () -> Btf.parse(e));
        byte[] f = small();
        le(f).putInt(20, 1 << 30); // str_len
        fails("BTF string section (offset 64, 1073741824 bytes) runs past the end", () -> Btf.parse(f));
        byte[] g = small();
        le(g).putInt(12, 68); // type_len past str_off
        fails("BTF type section (offset 0, 68 bytes) runs into the string section at offset 64", () -> Btf.parse(g));
        byte[] h = small();
        h[h.length - 1] = 'x';
        fails("BTF string section (offset 88) does not end with a NUL", () -> Btf.parse(h));
        byte[] i = small();
        i[88] = 'x';
        fails("BTF string section does not start with the empty string", () -> Btf.parse(i));
    }

    @Test
    void types() {
        byte[] a = small();
        le(a).putInt(24 + 16 + 4, 25 << 24); // [2]'s info: kind 25
        fails("type id 2 at offset 16 of the type section: unknown kind 25", () -> Btf.parse(a));
        byte[] b = small();
        le(b).putInt(24 + 28 + 4, 4 << 24 | 1000); // [3]: a struct of 1000 members
        fails("type id 3 (STRUCT) at offset 28 of the type section: 12012 bytes, past the end of the section (64 bytes)",
                () -> Btf.parse(b));
        byte[] c = small();
        le(c).putInt(24 + 16 + 8, 99); // [2] int * -> [99]
        fails("type id 2 (PTR) at offset 16 of the type section: its type is type id 99, past the last type id 3",
                () -> Btf.parse(c));
        byte[] d = small();
        le(d).putInt(24 + 28 + 12 + 12 + 4, -1); // [3] member 1's type
        fails("type id 3 (STRUCT) at offset 28 of the type section: the type of member 1 is type id 4294967295",
                () -> Btf.parse(d));
        byte[] e = small();
        le(e).putInt(24 + 28 + 12, 5000); // [3] member 0's name
        fails("type id 3 (STRUCT) at offset 28 of the type section: the name of member 0 is at string offset 5000,"
                + " past the end of the string section", () -> Btf.parse(e));
        byte[] f = small();
        le(f).putInt(12, 20); // type_len: [1] and the first 4 bytes of [2]
        fails("type id 2 at offset 16 of the type section: truncated, 4 bytes left", () -> Btf.parse(f));
    }

    @Test
    void functionsAndLinkage() {
        BtfWriter w = BtfWriter.empty();
        w.add(new BtfType.Int("int", 4, BtfType.Int.SIGNED, 0, 32));
        w.add(new BtfType.Func("f", 1, BtfType.Linkage.GLOBAL));
        fails("type id 2 (FUNC) at offset 16 of the type section: its type id 1 is a INT, not a FUNC_PROTO",
                () -> Btf.parse(w.toBytes()));
        BtfWriter v = BtfWriter.empty();
        v.add(new BtfType.Int("int", 4, BtfType.Int.SIGNED, 0, 32));
        v.add(new BtfType.Var("v", 1, BtfType.Linkage.GLOBAL));
        byte[] b = v.toBytes();
        le(b).putInt(24 + 16 + 12, 7);
        fails("type id 2 (VAR) at offset 16 of the type section: unknown linkage 7", () -> Btf.parse(b));
    }

    @Test
    void cyclesAreFoundWhereChainsAreFollowed() {
        BtfWriter w = BtfWriter.empty();
        int c1 = w.add(new BtfType.Const(2));
        w.add(new BtfType.Typedef("loop", c1)); // [1] const -> [2] typedef -> [1]
        int arr = w.add(new BtfType.Array(3, 0, 2)); // [3] an array of itself
        int self = w.add(new BtfType.Struct("", 8, List.of(new BtfType.Member("me", 4, 0, 0)), false));
        int ptr = w.add(new BtfType.Pointer(6)); // [5] -> [6] (int (*)(...))
        int proto = w.add(new BtfType.FuncProto(0, List.of(new BtfType.Param("p", ptr))));
        int volatileSelf = w.add(new BtfType.Volatile(7));
        Btf btf = Btf.parse(w.toBytes());
        fails("type id 1 (CONST): the chain of types it refers to is a cycle", () -> btf.resolve(c1));
        assertEquals(2, btf.skipQualifiers(c1), "a typedef ends a chain of qualifiers");
        fails("type id 7 (VOLATILE): the chain of types it refers to is a cycle",
                () -> btf.skipQualifiers(volatileSelf));
        fails("cycle", () -> btf.sizeOf(c1));
        assertEquals("const loop", btf.typeName(c1), "a declaration stops at a typedef's name");
        fails("cycle", () -> btf.typeName(volatileSelf));
        fails("cycle", () -> btf.sizeOf(arr));
        fails("cycle", () -> btf.typeName(arr));
        fails("type id 4: nested more than 64 deep", () -> btf.definition(self));
        fails("nested more than 64 deep", () -> btf.typeName(proto));
        assertEquals("struct {...}", btf.typeName(self));
    }

    @Test
    void sizesThatDoNotFit() {
        BtfWriter w = BtfWriter.empty();
        w.add(new BtfType.Int("long", 8, 0, 0, 64));
        int big = w.add(new BtfType.Array(1, 1, 1 << 30));
        int proto = w.add(new BtfType.FuncProto(0, List.of()));
        Btf btf = Btf.parse(w.toBytes());
        fails("type id 2 is larger than 4 GiB", () -> btf.sizeOf(big));
        fails("type id 3 (FUNC_PROTO) has no size", () -> btf.sizeOf(proto));
        fails("type id 0 (VOID 'void') has no size", () -> btf.sizeOf(0));
    }

    @Test
    void btfExt() {
        Btf btf = Btf.parse(small());
        fails(".BTF.ext truncated: 8 bytes", () -> BtfExt.parse(MemorySegment.ofArray(new byte[8]), btf));
        byte[] ext = new byte[24 + 4 + 8 + 8];
        ByteBuffer b = le(ext);
        b.putShort(0, (short) Btf.MAGIC).put(2, (byte) 1).putInt(4, 24);
        b.putInt(8, 0).putInt(12, 20); // func_info: offset 0, 20 bytes
        b.putInt(24, 8).putInt(28, 0).putInt(32, 1).putInt(36, 0).putInt(40, 3); // [3] is a STRUCT
        fails(".BTF.ext func_info record 0 of section '' at offset 36: type id 3 is a STRUCT, not a FUNC",
                () -> BtfExt.parse(MemorySegment.ofArray(ext), btf));
        b.putInt(24, 4);
        fails(".BTF.ext func_info record size 4", () -> BtfExt.parse(MemorySegment.ofArray(ext), btf));
        b.putInt(24, 8).putInt(32, 2);
        fails(".BTF.ext func_info for section '' at offset 28: 2 records of 8 bytes do not fit in the 8 bytes left",
                () -> BtfExt.parse(MemorySegment.ofArray(ext), btf));
        b.putInt(32, 1).putInt(28, 4000);
        fails(".BTF.ext func_info at offset 28: section name: string offset 4000 is past the end",
                () -> BtfExt.parse(MemorySegment.ofArray(ext), btf));
        b.putInt(28, 0).putInt(12, 2000);
        fails(".BTF.ext func_info (offset 0, 2000 bytes) runs past the end of .BTF.ext (44 bytes)",
                () -> BtfExt.parse(MemorySegment.ofArray(ext), btf));
    }
}
