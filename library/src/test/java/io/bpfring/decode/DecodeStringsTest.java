package io.bpfring.decode;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Char arrays as JSON strings and table cells: NUL, escapes, UTF-8 checked, against Java's own decoder. */
class DecodeStringsTest {
    private static String json(byte[] bytes) {
        TextBuffer out = new TextBuffer();
        CString.write(MemorySegment.ofArray(bytes), 0, bytes.length, out, true);
        return out.toString();
    }

    private static String cell(byte[] bytes) {
        TextBuffer out = new TextBuffer();
        CString.write(MemorySegment.ofArray(bytes), 0, bytes.length, out, false);
        return out.toString();
    }

    private static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    /** What the string means: the bytes up to the first NUL, decoded as Java decodes UTF-8. */
    private static String meant(byte[] bytes) {
        int n = 0;
        while (n < bytes.length && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    @Test
    void cutAtTheFirstNulOrTheArrayEnd() {
        assertEquals("\"sh\"", json(bytes('s', 'h', 0, 'x', 'y')));
        assertEquals("\"\"", json(bytes(0, 'a')));
        assertEquals("\"abcdefghijklmnop\"", json("abcdefghijklmnop".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("\"\"", json(new byte[0]));
    }

    @Test
    void controlCharactersQuotesAndBackslashesAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\\n\\t\\r\\b\\f\\u0001\\u001f\u007f\"", json(bytes('a', '"', 'b', '\\', 'c', '\n',
                '\t', '\r', '\b', '\f', 1, 0x1f, 0x7f)));
        assertEquals("a\"b\\c\\n", cell(bytes('a', '"', 'b', '\\', 'c', '\n')));
    }

    @Test
    void utf8IsKeptAndBrokenUtf8Replaced() {
        assertEquals("\"é€😀\"", json("é€😀".getBytes(StandardCharsets.UTF_8)));
        // Overlong, surrogate, above U+10FFFF, lone continuation, truncated by NUL and by the array's end.
        for (byte[] bad : new byte[][] {bytes(0xc0, 0xaf), bytes(0xe0, 0x80, 0xaf), bytes(0xed, 0xa0, 0x80),
                bytes(0xf4, 0x90, 0x80, 0x80), bytes(0x80, 'a'), bytes(0xe2, 0x82, 0, 'x'), bytes('a', 0xe2, 0x82),
                bytes(0xf0, 0x9f, 0x98, 'x'), bytes(0xff, 0xfe)}) {
            assertEquals(meant(bad), Json.parse(json(bad)), Arrays.toString(bad));
        }
    }

    /** Random bytes, most of them ASCII so that runs of eight plain bytes are found too. */
    @Test
    void randomBytesMeanWhatJavaDecodes() {
        Random random = new Random(16);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[random.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                int kind = random.nextInt(10);
                b[i] = (byte) (kind < 6 ? 0x20 + random.nextInt(0x5f) : kind < 9 ? 0x80 + random.nextInt(0x80)
                        : random.nextInt(0x20));
            }
            String json = json(b);
            assertEquals(meant(b), Json.parse(json), () -> Arrays.toString(b) + " -> " + json);
        }
    }

    @Test
    void everyBytePairDecodesAsJavaDoes() {
        for (int a = 1; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                byte[] pair = bytes(a, b, 'z');
                assertEquals(meant(pair), Json.parse(json(pair)), a + " " + b);
            }
        }
    }
}
