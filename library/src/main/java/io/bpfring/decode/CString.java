package io.bpfring.decode;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes a C char array as text: up to its first NUL, UTF-8 checked, control characters
 * escaped. Bytes that are not UTF-8 become U+FFFD, one for each ill-formed part, as Java's own
 * decoder replaces them, so the text equals {@code new String(bytes, UTF_8)}.
 *
 * <p>In JSON the text is quoted and {@code "} and {@code \} are escaped; in a table cell it is
 * bare and only control characters are. Plain ASCII, the common case, is checked and copied
 * eight bytes at a time.
 */
final class CString {
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH = 0x8080808080808080L;
    private static final byte[] REPLACEMENT = {(byte) 0xef, (byte) 0xbf, (byte) 0xbd};
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private CString() {
    }

    /** The string of at most {@code max} bytes at {@code at}, the caller having checked they are in the record. */
    static void write(MemorySegment s, long at, long max, TextBuffer out, boolean json) {
        long end = at + max;
        if (json) {
            out.put((byte) '"');
        }
        long i = at;
        while (i < end) {
            // Eight bytes at a time: each word is stored whole, then kept up to its first special byte.
            while (end - i >= 8) {
                long word = s.get(U64, i);
                long special = special(word);
                out.putLong(word);
                if (special != 0) {
                    int plain = Long.numberOfTrailingZeros(special) >>> 3;
                    out.truncate(out.length() - 8 + plain);
                    i += plain;
                    break;
                }
                i += 8;
            }
            if (i == end) {
                break;
            }
            byte b = s.get(ValueLayout.JAVA_BYTE, i);
            if (plain(b)) { // the last few bytes
                out.put(b);
                i++;
            } else if (b == 0) {
                break;
            } else if (b > 0) {
                escape(b, out, json);
                i++;
            } else {
                int n = sequence(s, i, end);
                if (n > 0) {
                    for (int k = 0; k < n; k++) {
                        out.put(s.get(ValueLayout.JAVA_BYTE, i + k));
                    }
                } else {
                    out.put(REPLACEMENT);
                    n = -n;
                }
                i += n;
            }
        }
        if (json) {
            out.put((byte) '"');
        }
    }

    /**
     * A high bit in each byte of {@code x} that is not plain; bits above the lowest may be false
     * alarms (borrows), so only the lowest is used.
     */
    private static long special(long x) {
        long control = (x - 0x20 * ONES) & ~x & HIGH;
        long quote = zeroByte(x ^ ('"' * ONES));
        long backslash = zeroByte(x ^ ('\\' * ONES));
        return (x & HIGH) | control | quote | backslash;
    }

    private static long zeroByte(long x) {
        return (x - ONES) & ~x & HIGH;
    }

    /** ASCII, not a control character, {@code "} or a backslash. */
    private static boolean plain(byte b) {
        return b >= 0x20 && b != '"' && b != '\\';
    }

    private static void escape(int b, TextBuffer out, boolean json) {
        switch (b) {
            case '"', '\\' -> {
                if (json) {
                    out.put((byte) '\\');
                }
                out.put((byte) b);
            }
            case '\n' -> out.ascii("\\n");
            case '\t' -> out.ascii("\\t");
            case '\r' -> out.ascii("\\r");
            case '\b' -> out.ascii("\\b");
            case '\f' -> out.ascii("\\f");
            default -> {
                out.ascii("\\u00");
                out.put(HEX[b >>> 4]);
                out.put(HEX[b & 0xf]);
            }
        }
    }

    /**
     * The length of the well-formed UTF-8 sequence starting with the non-ASCII byte at {@code i},
     * or minus the length of its ill-formed part (at least 1) that becomes one U+FFFD. That part
     * is Unicode's "maximal subpart", except that an encoded surrogate ({@code ED A0..BF xx}) is
     * one part, as Java's decoder takes it.
     */
    private static int sequence(MemorySegment s, long i, long end) {
        int b0 = s.get(ValueLayout.JAVA_BYTE, i) & 0xff;
        int n;
        int lo = 0x80;
        int hi = 0xbf;
        if (b0 >= 0xc2 && b0 <= 0xdf) {
            n = 2;
        } else if (b0 >= 0xe0 && b0 <= 0xef) {
            n = 3;
            if (b0 == 0xe0) {
                lo = 0xa0; // no overlong forms
            }
        } else if (b0 >= 0xf0 && b0 <= 0xf4) {
            n = 4;
            if (b0 == 0xf0) {
                lo = 0x90;
            } else if (b0 == 0xf4) {
                hi = 0x8f; // nothing above U+10FFFF
            }
        } else {
            return -1;
        }
        int b1 = 0;
        for (int k = 1; k < n; k++) {
            if (i + k >= end) {
                return -k;
            }
            int b = s.get(ValueLayout.JAVA_BYTE, i + k) & 0xff;
            if (b < lo || b > hi) {
                return -k;
            }
            if (k == 1) {
                b1 = b;
            }
            lo = 0x80;
            hi = 0xbf;
        }
        return b0 == 0xed && b1 >= 0xa0 ? -3 : n;
    }

    /** Text from the type table (a field or enumerator name), escaped like any string of a record. */
    static String encode(String text, boolean json) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        TextBuffer out = new TextBuffer();
        write(MemorySegment.ofArray(utf8), 0, utf8.length, out, json);
        return out.toString();
    }
}
