package io.bpfring.decode;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;

/**
 * Reads numbers out of a record, little-endian as the BTF this library reads: whole integers,
 * bitfields, 128-bit integers and floats of every size C has. Callers have checked that the
 * bytes are in the record.
 */
final class Scalars {
    static final ValueLayout.OfShort S16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt S32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong S64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Scalars() {
    }

    /** An integer, bool, enum or pointer up to 64 bits: sign-extended if signed, else zero-extended. */
    static long read(MemorySegment s, long at, Shape.Scalar sc) {
        if (sc.bitfield()) {
            return bits(s, at, sc.size(), sc.shift(), sc.bits(), sc.signed());
        }
        return whole(s, at, sc.size(), sc.signed());
    }

    /** A whole integer of 1, 2, 4 or 8 bytes; of 16, its low 8. */
    static long whole(MemorySegment s, long at, int size, boolean signed) {
        return switch (size) {
            case 1 -> signed ? s.get(ValueLayout.JAVA_BYTE, at) : s.get(ValueLayout.JAVA_BYTE, at) & 0xffL;
            case 2 -> signed ? s.get(S16, at) : s.get(S16, at) & 0xffffL;
            case 4 -> signed ? s.get(S32, at) : s.get(S32, at) & 0xffffffffL;
            default -> s.get(S64, at);
        };
    }

    /**
     * A bitfield of {@code bits} bits starting {@code shift} bits into the first of its
     * {@code span} bytes (a 64-bit field not on a byte boundary spans 9).
     */
    static long bits(MemorySegment s, long at, int span, int shift, int bits, boolean signed) {
        long v = 0;
        for (int i = Math.min(span, 8) - 1; i >= 0; i--) {
            v = v << 8 | (s.get(ValueLayout.JAVA_BYTE, at + i) & 0xffL);
        }
        v >>>= shift;
        if (span > 8) {
            v |= (s.get(ValueLayout.JAVA_BYTE, at + 8) & 0xffL) << (64 - shift);
        }
        if (bits < 64) {
            v = signed ? v << (64 - bits) >> (64 - bits) : v & ((1L << bits) - 1);
        }
        return v;
    }

    /** A 128-bit integer whose value needs more than 64 bits; rare, so it may allocate. */
    static BigInteger int128(MemorySegment s, long at, boolean signed) {
        long lo = s.get(S64, at);
        long hi = s.get(S64, at + 8);
        BigInteger value = BigInteger.valueOf(hi).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(lo)));
        return signed || hi >= 0 ? value : value.add(BigInteger.ONE.shiftLeft(128));
    }

    /** Whether a 128-bit integer fits the 64 bits {@link #whole} reads (signed or unsigned as given). */
    static boolean fitsLong(MemorySegment s, long at, boolean signed) {
        long lo = s.get(S64, at);
        long hi = s.get(S64, at + 8);
        return signed ? hi == lo >> 63 : hi == 0;
    }

    /** A float of 2, 4 or 8 bytes, or an x87 extended one (10 bytes, padded to 12 or 16). */
    static double floating(MemorySegment s, long at, int size) {
        return switch (size) {
            case 2 -> Float.float16ToFloat(s.get(S16, at));
            case 4 -> s.get(F32, at);
            case 8 -> s.get(F64, at);
            default -> extended(s.get(S64, at), s.get(S16, at + 8) & 0xffff);
        };
    }

    /** An x87 80-bit value: 64-bit significand with an explicit integer bit, 15-bit exponent. */
    private static double extended(long significand, int signExponent) {
        int exponent = signExponent & 0x7fff;
        double sign = (signExponent & 0x8000) != 0 ? -1 : 1;
        if (exponent == 0x7fff) {
            return (significand << 1) == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        double magnitude = (significand >>> 11) * 0x1p11 + (significand & 0x7ff); // exact to 53 bits, then rounded
        return sign * Math.scalb(magnitude, Math.max(exponent, 1) - 16383 - 63);
    }
}
