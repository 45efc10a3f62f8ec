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
 * it, and on {@link #flush()}: call that when the ring is drained (after each poll), so a quiet
 * trace shows its lines at once. Without a stream, the caller takes the bytes
 * ({@link #array()}, {@link #copyTo(ByteBuffer)}) and {@link #clear()}s it. Text of the
 * caller's own, such as a time column before a row, goes in with {@link #append}. Not
 * thread-safe.
 */
public final class TextBuffer {
    /** Lines collect up to this many bytes before they go to the stream: a write a batch, not a record. */
    public static final int FLUSH_AT = 64 * 1024;
    private static final byte[] DIGITS = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final long ASCII_ZEROS = 0x30303030_30303030L;
    private static final long SPACES = 0x20202020_20202020L;

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

    /** Appends {@code text} as UTF-8, as it is: no escaping. */
    public TextBuffer append(String text) {
        put(text.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Appends {@code value} in decimal. */
    public TextBuffer append(long value) {
        decimal(value);
        return this;
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

    /** Room for {@code n} more bytes; returns where they go. Small, so that the compiler inlines it everywhere. */
    int reserve(int n) {
        int at = length;
        if (bytes.length - at < n) {
            grow(n);
        }
        return at;
    }

    private void grow(int n) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
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

    /** {@code n} spaces (none if {@code n} is not positive), eight at a time. */
    void spaces(int n) {
        if (n > 0) {
            int at = reserve(n + 7);
            for (int k = 0; k < n; k += 8) {
                LONGS.set(bytes, at + k, SPACES);
            }
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

    /** A non-negative long in decimal, in groups of eight digits made eight bytes at a time. */
    private void digits(long v) {
        if (v < 100_000_000) {
            leading((int) v);
        } else if (v < 10_000_000_000_000_000L) {
            leading((int) (v / 100_000_000));
            eight((int) (v % 100_000_000));
        } else {
            long high = v / 100_000_000;
            leading((int) (high / 100_000_000));
            eight((int) (high % 100_000_000));
            eight((int) (v % 100_000_000));
        }
    }

    /** {@code x < 10^8} without leading zeros. */
    private void leading(int x) {
        long digits = eightDigits(x);
        int zeros = x == 0 ? 7 : Long.numberOfTrailingZeros(digits) >>> 3;
        int at = reserve(8);
        LONGS.set(bytes, at, (digits + ASCII_ZEROS) >>> (zeros * 8));
        length = at + 8 - zeros;
    }

    /** {@code x < 10^8} as eight digits. */
    private void eight(int x) {
        int at = reserve(8);
        LONGS.set(bytes, at, eightDigits(x) + ASCII_ZEROS);
        length = at + 8;
    }

    /**
     * The eight decimal digits of {@code x < 10^8} as byte values 0-9, the first in the lowest
     * byte, so that a little-endian store writes them in order. Split in halves, quarters and
     * digits with multiplications that divide every lane of the word at once (Lemire's method):
     * {@code n * 10486 >>> 20} is {@code n / 100} below 10^4, {@code n * 103 >>> 10} is
     * {@code n / 10} below 100.
     */
    static long eightDigits(int x) {
        long halves = (x / 10_000) | ((long) (x % 10_000) << 32);
        long hundreds = ((halves * 10486) >>> 20) & 0x0000007f_0000007fL;
        long quarters = ((halves - 100 * hundreds) << 16) + hundreds;
        long tens = ((quarters * 103) >>> 10) & 0x000f000f_000f000fL;
        return tens + ((quarters - 10 * tens) << 8);
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
