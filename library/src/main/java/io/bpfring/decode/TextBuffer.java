package io.bpfring.decode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A reusable, growable buffer of UTF-8 text that decoders write lines into: one per consuming
 * thread, so decoding allocates nothing once it has grown to its working size. Given a stream,
 * it writes its bytes there whenever a finished line leaves more than {@link #FLUSH_AT} bytes in
 * it, and on {@link #flush()}; without one, the caller takes the bytes ({@link #array()},
 * {@link #copyTo(ByteBuffer)}) and {@link #clear()}s it. Not thread-safe.
 */
public final class TextBuffer {
    /** Lines collect up to this many bytes before they go to the stream: a few system calls a second, not one a record. */
    public static final int FLUSH_AT = 64 * 1024;
    private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** "00" .. "99", two digits at a time. */
    private static final byte[] PAIRS = new byte[200];
    private static final long[] POWERS = new long[19];

    static {
        POWERS[0] = 1;
        for (int i = 1; i < POWERS.length; i++) {
            POWERS[i] = POWERS[i - 1] * 10;
        }
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (byte) ('0' + i / 10);
            PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final OutputStream sink;
    private byte[] bytes = new byte[4096];
    private int length;

    /** A buffer the caller empties. */
    public TextBuffer() {
        this(null);
    }

    /** A buffer that writes its lines to {@code sink} in batches; call {@link #flush()} at the end. */
    public TextBuffer(OutputStream sink) {
        this.sink = sink;
    }

    /** Bytes held. */
    public int length() {
        return length;
    }

    /** The bytes held are {@code array()[0 .. length())}; the array changes as the buffer grows. */
    public byte[] array() {
        return bytes;
    }

    /** Forgets the bytes held, keeping the memory. */
    public void clear() {
        length = 0;
    }

    /**
     * Copies as many bytes as {@code target} has room for (whole lines, when {@code target}
     * has room for any) and drops them from this buffer; returns how many.
     */
    public int copyTo(ByteBuffer target) {
        int n = Math.min(length, target.remaining());
        if (n < length) {
            int lastLine = lastIndexOf((byte) '\n', n);
            n = lastLine >= 0 ? lastLine + 1 : n;
        }
        target.put(bytes, 0, n);
        System.arraycopy(bytes, n, bytes, 0, length - n);
        length -= n;
        return n;
    }

    private int lastIndexOf(byte b, int before) {
        for (int i = before - 1; i >= 0; i--) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** Writes what is held to the stream and clears the buffer. */
    public void flush() {
        if (sink == null) {
            return;
        }
        try {
            sink.write(bytes, 0, length);
            sink.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            length = 0;
        }
    }

    /** The text held. */
    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    // ---- for the decoders

    /** Ends a line; with a stream, hands it the lines once they fill {@link #FLUSH_AT}. */
    void endLine() {
        put((byte) '\n');
        if (sink != null && length >= FLUSH_AT) {
            try {
                sink.write(bytes, 0, length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                length = 0;
            }
        }
    }

    /** Room for {@code n} more bytes; returns where they go. */
    int reserve(int n) {
        int at = length;
        if (bytes.length - at < n) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, at + n));
        }
        return at;
    }

    void advance(int n) {
        length += n;
    }

    void put(byte b) {
        int at = reserve(1);
        bytes[at] = b;
        length = at + 1;
    }

    /** Eight bytes, little-endian: a word of text copied whole. */
    void putLong(long word) {
        int at = reserve(8);
        LONGS.set(bytes, at, word);
        length = at + 8;
    }

    void put(byte[] b) {
        int at = reserve(b.length);
        System.arraycopy(b, 0, bytes, at, b.length);
        length = at + b.length;
    }

    void ascii(String s) {
        int at = reserve(s.length());
        for (int i = 0; i < s.length(); i++) {
            bytes[at + i] = (byte) s.charAt(i);
        }
        length = at + s.length();
    }

    void spaces(int n) {
        if (n > 0) {
            int at = reserve(n);
            Arrays.fill(bytes, at, at + n, (byte) ' ');
            length = at + n;
        }
    }

    /** Cuts the buffer back to {@code length} bytes. */
    void truncate(int length) {
        this.length = length;
    }

    /** Code points in {@code [from, length())}: bytes that do not continue a UTF-8 sequence. */
    int codePointsSince(int from) {
        int n = 0;
        for (int i = from; i < length; i++) {
            n += (bytes[i] & 0xc0) != 0x80 ? 1 : 0;
        }
        return n;
    }

    /** A signed decimal. */
    void decimal(long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                ascii("-9223372036854775808");
                return;
            }
            put((byte) '-');
            v = -v;
        }
        digits(v);
    }

    /** The 64 bits as an unsigned decimal. */
    void unsignedDecimal(long v) {
        if (v >= 0) {
            digits(v);
        } else {
            long q = (v >>> 1) / 5; // v / 10, unsigned
            digits(q);
            put(DIGITS[(int) (v - q * 10)]);
        }
    }

    /** A non-negative long in decimal, written from its end two digits at a time, in int arithmetic once it fits. */
    private void digits(long v) {
        int n = width(v);
        int at = reserve(n);
        int i = at + n;
        while (v > Integer.MAX_VALUE) {
            long q = v / 100;
            int pair = (int) (v - q * 100);
            v = q;
            bytes[--i] = PAIRS[2 * pair + 1];
            bytes[--i] = PAIRS[2 * pair];
        }
        int x = (int) v;
        while (x >= 100) {
            int q = x / 100;
            int pair = x - q * 100;
            x = q;
            bytes[--i] = PAIRS[2 * pair + 1];
            bytes[--i] = PAIRS[2 * pair];
        }
        if (x >= 10) {
            bytes[--i] = PAIRS[2 * x + 1];
            bytes[--i] = PAIRS[2 * x];
        } else {
            bytes[--i] = (byte) ('0' + x);
        }
        length = at + n;
    }

    /** Decimal digits of a non-negative long: log10 from the bit length (1233 / 4096 ~ log10 2), then one compare. */
    static int width(long v) {
        int t = ((64 - Long.numberOfLeadingZeros(v)) * 1233) >>> 12;
        return Math.max(1, t + 1 - (v < POWERS[t] ? 1 : 0));
    }

    /** {@code 0x} and the 64 bits in lower-case hex, no leading zeros. */
    void hex(long v) {
        int n = Math.max(1, (67 - Long.numberOfLeadingZeros(v)) / 4);
        int at = reserve(n + 2);
        bytes[at] = '0';
        bytes[at + 1] = 'x';
        for (int i = n - 1, shift = 0; i >= 0; i--, shift += 4) {
            bytes[at + 2 + i] = DIGITS[(int) (v >>> shift) & 0xf];
        }
        length = at + n + 2;
    }
}
