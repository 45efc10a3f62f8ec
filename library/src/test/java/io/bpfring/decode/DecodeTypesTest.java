package io.bpfring.decode;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfType;
import io.bpfring.btf.BtfType.EnumValue;
import io.bpfring.btf.BtfType.Member;
import io.bpfring.btf.BtfWriter;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Types clang 14 does not write (bitfields without the kind flag, as older BTF has them; ENUM64,
 * signed enums, half and x87 floats, 4-byte pointers), typedef'd structs, flexible arrays of
 * numbers, and type tables that do not add up.
 */
class DecodeTypesTest {
    private final BtfWriter types = BtfWriter.empty();
    private final int u8 = types.add(new BtfType.Int("unsigned char", 1, 0, 0, 8));
    private final int u32 = types.add(new BtfType.Int("unsigned int", 4, 0, 0, 32));
    private final int s32 = types.add(new BtfType.Int("int", 4, BtfType.Int.SIGNED, 0, 32));
    private final int u64 = types.add(new BtfType.Int("unsigned long long", 8, 0, 0, 64));
    private final int chr = types.add(new BtfType.Int("char", 1, BtfType.Int.SIGNED, 0, 8));

    private Btf btf() {
        return Btf.parse(types.toBytes());
    }

    private int array(int element, int count) {
        return types.add(new BtfType.Array(element, u32, count));
    }

    private int struct(String name, int size, Member... members) {
        return types.add(new BtfType.Struct(name, size, List.of(members), false));
    }

    private static Member m(String name, int type, int bitOffset) {
        return new Member(name, type, bitOffset, 0);
    }

    @Test
    void bitfieldsWithoutTheKindFlagTakeTheirWidthFromTheInt() {
        int u3 = types.add(new BtfType.Int("unsigned int", 4, 0, 0, 3));
        int s5 = types.add(new BtfType.Int("int", 4, BtfType.Int.SIGNED, 0, 5));
        int u4at2 = types.add(new BtfType.Int("unsigned int", 4, 0, 2, 4)); // the INT's own bit offset adds
        int flags = struct("flags", 4, m("a", u3, 0), m("b", s5, 3), m("c", u4at2, 8));
        RecordDecoder decoder = RecordDecoder.forType(btf(), flags);
        // a = 6 (bits 0-2), b = -3 (bits 3-7: 11101), c = 9 (bits 10-13)
        int word = 6 | (0b11101 << 3) | (9 << 10);
        assertEquals("{\"a\":6,\"b\":-3,\"c\":9}", decoder.toJson(Records.of(4).u32(0, word).segment()));
    }

    @Test
    void enumsOfEverySizeAndSign() {
        int e64 = types.add(new BtfType.Enum64("mask", 8, false, List.of(new EnumValue("ALL", -1L),
                new EnumValue("NONE", 0))));
        int signed = types.add(new BtfType.Enum("ret", 4, true, List.of(new EnumValue("FAIL", -1),
                new EnumValue("OK", 0))));
        int small = types.add(new BtfType.Enum("tiny", 1, false, List.of(new EnumValue("ONE", 1))));
        int s = struct("e", 24, m("a", e64, 0), m("b", signed, 64), m("c", signed, 96), m("d", small, 128),
                m("e", small, 136));
        RecordDecoder decoder = RecordDecoder.forType(btf(), s);
        MemorySegment r = Records.of(24).u64(0, -1).u32(8, -1).u32(12, -5).u8(16, 1).u8(17, 200).segment();
        assertEquals("{\"a\":\"ALL\",\"b\":\"FAIL\",\"c\":-5,\"d\":\"ONE\",\"e\":200}", decoder.toJson(r));
        r = Records.of(24).u64(0, 5).segment();
        assertEquals("{\"a\":5,\"b\":\"OK\",\"c\":\"OK\",\"d\":0,\"e\":0}", decoder.toJson(r));
    }

    @Test
    void floatsOfEverySize() {
        int half = types.add(new BtfType.Float("_Float16", 2));
        int f = types.add(new BtfType.Float("float", 4));
        int d = types.add(new BtfType.Float("double", 8));
        int ld = types.add(new BtfType.Float("long double", 16));
        int s = struct("floats", 48, m("h", half, 0), m("f", f, 32), m("d", d, 64), m("ld", ld, 128),
                m("inf", ld, 256));
        RecordDecoder decoder = RecordDecoder.forType(btf(), s);
        MemorySegment r = Records.of(48).u16(0, 0x3c00).f32(4, Float.NaN).f64(8, 1e300)
                .u64(16, 0xc000000000000000L).u16(24, 16383 | 0x8000) // -1.5
                .u64(32, 0x8000000000000000L).u16(40, 0x7fff) // +infinity
                .segment();
        assertEquals("{\"h\":1.0,\"f\":null,\"d\":1.0E300,\"ld\":-1.5,\"inf\":null}", decoder.toJson(r));
        TextBuffer row = new TextBuffer();
        decoder.writeRow(r, row);
        assertTrue(row.toString().contains("NaN") && row.toString().endsWith("Infinity\n"), row.toString());
    }

    @Test
    void pointersAreAsWideAsLong() {
        types.add(new BtfType.Int("long", 4, BtfType.Int.SIGNED, 0, 32));
        int ptr = types.add(new BtfType.Pointer(0));
        int s = struct("p", 8, m("p", ptr, 0), m("q", ptr, 32));
        RecordDecoder decoder = RecordDecoder.forType(btf(), s);
        assertEquals("{\"p\":\"0xc0001000\",\"q\":\"0x0\"}",
                decoder.toJson(Records.of(8).u32(0, 0xc0001000L).segment()));
    }

    @Test
    void typedefsAndQualifiersResolve() {
        int inner = struct("", 4, m("v", types.add(new BtfType.Volatile(u32)), 0));
        int cs = types.add(new BtfType.Const(inner));
        int s = struct("outer", 8, m("x", cs, 0), m("y", types.add(new BtfType.Typedef("pid_t", s32)), 32));
        types.add(new BtfType.Typedef("outer_t", s));
        RecordDecoder decoder = RecordDecoder.forStruct(btf(), "outer_t");
        assertEquals("struct outer", decoder.typeName());
        assertEquals("{\"x\":{\"v\":7},\"y\":-1}", decoder.toJson(Records.of(8).u32(0, 7).u32(4, -1).segment()));
    }

    @Test
    void flexibleArrayOfNumbersHoldsTheWholeElementsThatFollow() {
        int s = struct("vec", 4, m("n", u32, 0), m("v", array(u32, 0), 32));
        RecordDecoder decoder = RecordDecoder.forType(btf(), s);
        MemorySegment r = Records.of(4 + 10).u32(0, 2).u32(4, 10).u32(8, 20).u16(12, 0xffff).segment();
        assertEquals("{\"n\":2,\"v\":[10,20]}", decoder.toJson(r));
        assertEquals("{\"n\":2,\"v\":[]}", decoder.toJson(r.asSlice(0, 4)));
        assertEquals("{}", decoder.toJson(r.asSlice(0, 3)));
    }

    @Test
    void unionAtTheTopAndEmptyStruct() {
        int u = types.add(new BtfType.Union("val", 4, List.of(m("i", s32, 0), m("b", array(u8, 4), 0)), false));
        int empty = struct("empty", 0);
        Btf btf = btf();
        assertEquals("{\"i\":-1,\"b\":[255,255,255,255]}",
                RecordDecoder.forType(btf, u).toJson(Records.of(4).u32(0, -1).segment()));
        RecordDecoder nothing = RecordDecoder.forType(btf, empty);
        assertEquals("{}", nothing.toJson(MemorySegment.ofArray(new byte[3])));
        assertEquals("", nothing.tableHeader());
    }

    @Test
    void recordInsideALargerSegmentAndLongerThanTheStruct() {
        int s = struct("pair", 8, m("a", u32, 0), m("b", u32, 32));
        RecordDecoder decoder = RecordDecoder.forType(btf(), s);
        MemorySegment ring = Records.of(64).u32(16, 1).u32(20, 2).u32(24, 3).segment();
        TextBuffer out = new TextBuffer();
        assertTrue(decoder.writeJson(ring, 16, 12, out));
        assertFalse(decoder.writeJson(ring, 20, 4, out));
        assertEquals("{\"a\":1,\"b\":2}\n{\"a\":2}\n", out.toString());
        assertThrows(IndexOutOfBoundsException.class, () -> decoder.writeJson(ring, 60, 8, out));
        assertThrows(IllegalArgumentException.class, () -> decoder.writeJson(ring, 0, -1, out));
    }

    @Test
    void aWideCellPushesTheRowUntilLaterColumnsTakeItBack() {
        int point = struct("point", 8, m("x", u32, 0), m("y", u32, 32));
        int s = struct("row", 32, m("p", point, 0), m("a", u32, 64), m("b", u64, 128), m("c", u64, 192));
        RecordDecoder decoder = RecordDecoder.forType(btf(), s);
        assertEquals("P A          B                    C", decoder.tableHeader());
        TextBuffer out = new TextBuffer();
        decoder.writeRow(Records.of(32).u32(0, 10).u32(4, 20).u32(8, 1).u64(16, 2).u64(24, 3).segment(), out);
        // {"x":10,"y":20} is 15 wide in a column of 1: A and B give back their slack, C is in place.
        assertEquals("{\"x\":10,\"y\":20} 1 2               3\n", out.toString());
        assertEquals("P A          B                    C".indexOf('C'), out.toString().indexOf('3'));
    }

    @Test
    void typesThatCannotBeDecoded() {
        int fwd = types.add(new BtfType.Fwd("opaque", false));
        int past = struct("past", 4, m("a", u32, 0), m("b", u32, 32));
        int incomplete = struct("incomplete", 8, m("f", fwd, 0));
        int wide = types.add(new BtfType.Struct("wide", 16, List.of(new Member("w", u64, 0, 65)), true));
        int odd = struct("odd", 4, m("a", types.add(new BtfType.Int("int24", 3, 0, 0, 24)), 0));
        int unaligned = struct("unaligned", 8, m("a", array(u8, 2), 4));
        int huge = struct("huge", 0, m("a", array(array(u64, 0x10000), 0x10000), 0));
        int func = types.add(new BtfType.FuncProto(0, List.of()));
        int fn = struct("fn", 8, m("f", func, 0));
        int self = struct("self", 4);
        types.set(self, new BtfType.Struct("self", 4, List.of(m("me", self, 0)), false)); // only a hostile table has it
        Btf btf = btf();
        for (int id : new int[] {past, incomplete, wide, odd, unaligned, huge, fn, self, s32, 0, 999}) {
            DecodeException e = assertThrows(DecodeException.class, () -> RecordDecoder.forType(btf, id), "type " + id);
            assertFalse(e.getMessage().isBlank());
        }
        assertThrows(DecodeException.class, () -> RecordDecoder.forStruct(btf, "opaque"));
    }
}
