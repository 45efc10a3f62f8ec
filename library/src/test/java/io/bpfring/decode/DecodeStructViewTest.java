package io.bpfring.decode;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfKind;
import io.bpfring.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fields by name at run time: the values the C initialisers give, and the same values the JSON decoder writes. */
class DecodeStructViewTest {
    private static final StructView SAMPLE = StructView.of(DecodeSampleTest.BTF, "decode_sample");
    private static final MemorySegment RECORD = MemorySegment.ofArray(DecodeSampleTest.SAMPLE);

    @Test
    void fieldsOfEveryKind() {
        assertEquals(-100, SAMPLE.field("s8").getInt(RECORD));
        assertEquals(4_000_000_000L, SAMPLE.field("u32").getLong(RECORD));
        assertEquals(-1L, SAMPLE.field("u64").getLong(RECORD), "raw bits of 2^64-1");
        assertEquals(new BigInteger("18446744073709551615"), SAMPLE.field("u64").getBigInteger(RECORD));
        assertEquals(new BigInteger("338770000845734292516042252062085074415"),
                SAMPLE.field("u128").getBigInteger(RECORD));
        assertEquals(BigInteger.ONE.shiftLeft(100).negate(), SAMPLE.field("s128").getBigInteger(RECORD));
        assertTrue(SAMPLE.field("flag").getBoolean(RECORD));
        assertEquals("DECODE_BLUE", SAMPLE.field("color").getString(RECORD));
        assertEquals(2, SAMPLE.field("color").getLong(RECORD));
        assertEquals("7", SAMPLE.field("unknown").getString(RECORD));
        assertEquals(1.5, SAMPLE.field("f").getDouble(RECORD));
        assertEquals(-0.1, SAMPLE.field("d").getDouble(RECORD));
        assertEquals(0xffff888100a2b3c0L, SAMPLE.field("ptr").getLong(RECORD));
        assertEquals(-3, SAMPLE.field("at.x").getInt(RECORD));
        assertEquals(4, SAMPLE.field("raw.bytes[3]").getInt(RECORD));
        assertEquals(-12, SAMPLE.field("anon_b").getInt(RECORD), "an anonymous union's member is the struct's");
        assertEquals(-9, SAMPLE.field("bf_b").getInt(RECORD));
        assertEquals(0xfedcba9876L, SAMPLE.field("bf_d").getLong(RECORD));
        assertEquals("DECODE_GREEN", SAMPLE.field("bf_g").getString(RECORD));
        assertEquals(0x4000000000000001L, SAMPLE.field("packed.wide").getLong(RECORD));
        assertEquals(6, SAMPLE.field("matrix[1][2]").getInt(RECORD));
        assertEquals("three", SAMPLE.field("names[2]").getString(RECORD));
        assertEquals(-2, SAMPLE.field("path[1].y").getInt(RECORD));
        assertEquals("decode\t\"q\"", SAMPLE.field("comm").getString(RECORD));
        assertEquals(Map.of("x", -3L, "y", 4L), SAMPLE.field("at").getValue(RECORD));
        assertEquals(List.of(List.of(1L, 2L, 3L), List.of(4L, 5L, 6L)), SAMPLE.field("matrix").getValue(RECORD));
    }

    @Test
    void accessorsKnowTheirPlace() {
        FieldAccessor comm = SAMPLE.field("comm");
        assertEquals(FieldKind.STRING, comm.kind());
        assertEquals(188, comm.offset());
        assertEquals(16, comm.size());
        FieldAccessor y = SAMPLE.field("path [1] . y".replace(" ", ""));
        assertEquals("path[1].y", y.name());
        assertEquals(186, y.offset()); // path at 180, 4 bytes an element, y at 2
        assertEquals(2, SAMPLE.field("path").count(RECORD));
        assertEquals(List.of("at.x", "at.y"), SAMPLE.field("at").fields().stream().map(FieldAccessor::name).toList());
    }

    @Test
    void wrongPathsKindsAndShortRecords() {
        for (String bad : List.of("", "nope", "at.z", "matrix[2]", "matrix[-1]", "matrix.x", "at[0]", "u8.x", "[0]",
                "at..x", ".at", "matrix[1", "matrix[x]")) {
            assertThrows(IllegalArgumentException.class, () -> SAMPLE.field(bad), bad);
        }
        assertThrows(IllegalStateException.class, () -> SAMPLE.field("comm").getLong(RECORD));
        assertThrows(IllegalStateException.class, () -> SAMPLE.field("u8").getString(RECORD));
        assertThrows(IllegalStateException.class, () -> SAMPLE.field("f").getLong(RECORD));
        MemorySegment shorter = RECORD.asSlice(0, 100);
        FieldAccessor comm = SAMPLE.field("comm");
        assertFalse(comm.isPresent(shorter));
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> comm.getString(shorter));
        assertTrue(e.getMessage().contains("does not hold comm"), e.getMessage());
        assertEquals(List.of("u8", "s8", "u16", "s16", "flag", "c", "u32", "s32", "u64", "s64", "u128", "s128",
                "color", "unknown", "f", "d", "ptr", "at"), List.copyOf(SAMPLE.values(shorter).keySet()));
    }

    @Test
    void flexibleTail() {
        FieldAccessor tail = SAMPLE.field("tail");
        byte[] longer = Arrays.copyOf(DecodeSampleTest.SAMPLE, 212);
        longer[204] = 'o';
        longer[205] = 'k';
        assertEquals("ok", tail.getString(MemorySegment.ofArray(longer)));
        assertEquals("", tail.getString(RECORD));
    }

    /** On every fixture struct, random records: the view's values are what the JSON decoder writes. */
    @Test
    void sameValuesAsTheJsonDecoder() {
        Random random = new Random(5);
        for (Path object : Fixtures.objects()) {
            Btf btf = Records.btf(object.getFileName().toString());
            for (int id = 1; id < btf.typeCount(); id++) {
                if (btf.kind(id) != BtfKind.STRUCT && btf.kind(id) != BtfKind.UNION) {
                    continue;
                }
                RecordDecoder decoder = RecordDecoder.forType(btf, id);
                StructView view = StructView.of(decoder);
                for (int r = 0; r < 5; r++) {
                    byte[] bytes = new byte[r == 0 ? decoder.size() : random.nextInt(decoder.size() + 8)];
                    random.nextBytes(bytes);
                    MemorySegment record = MemorySegment.ofArray(bytes);
                    String json = decoder.toJson(record);
                    assertSame(Json.parse(json), view.values(record), decoder + ": " + json);
                }
            }
        }
    }

    /** JSON's numbers against Java's: floats as written (shortest form of a float or a double). */
    static void assertSame(Object json, Object java, String where) {
        switch (json) {
            case Map<?, ?> m -> {
                Map<?, ?> j = (Map<?, ?>) java;
                assertEquals(List.copyOf(m.keySet()), List.copyOf(j.keySet()), where);
                m.forEach((k, v) -> assertSame(v, j.get(k), where + " ." + k));
            }
            case List<?> l -> {
                List<?> j = (List<?>) java;
                assertEquals(l.size(), j.size(), where);
                for (int i = 0; i < l.size(); i++) {
                    assertSame(l.get(i), j.get(i), where + " [" + i + "]");
                }
            }
            case BigInteger i when java instanceof Double d -> assertEquals(i.doubleValue(), d, where);
            case BigInteger i -> assertEquals(i, new BigInteger(java.toString()), where);
            case BigDecimal d -> {
                double v = (Double) java;
                assertTrue(d.doubleValue() == v || d.floatValue() == (float) v, where + ": " + d + " vs " + v);
            }
            case null -> assertTrue(((Double) java).isNaN() || ((Double) java).isInfinite(), where);
            default -> assertEquals(json, java, where);
        }
    }
}
