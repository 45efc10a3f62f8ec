package io.bpfring.dwarf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** A bounds-checked little-endian cursor over one DWARF section; errors name the section and offset. */
final class Input {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    final String section;
    private final MemorySegment data;
    private long position;

    Input(String section, MemorySegment data) {
        this.section = section;
        this.data = data;
    }

    long position() {
        return position;
    }

    long size() {
        return data.byteSize();
    }

    Input seek(long to) {
        if (to < 0 || to > data.byteSize()) {
            throw error(to, "offset is past the end of the section (" + data.byteSize() + " bytes)");
        }
        position = to;
        return this;
    }

    boolean atEnd() {
        return position >= data.byteSize();
    }

    int u8() {
        need(1);
        return data.get(ValueLayout.JAVA_BYTE, position++) & 0xff;
    }

    int u16() {
        need(2);
        int v = data.get(U16, position) & 0xffff;
        position += 2;
        return v;
    }

    long u32() {
        need(4);
        long v = data.get(U32, position) & 0xffffffffL;
        position += 4;
        return v;
    }

    long u64() {
        need(8);
        long v = data.get(U64, position);
        position += 8;
        return v;
    }

    /** An unsigned little-endian value of {@code size} bytes (1 to 8). */
    long unsigned(int size) {
        return switch (size) {
            case 1 -> u8();
            case 2 -> u16();
            case 3 -> u16() | (long) u8() << 16;
            case 4 -> u32();
            case 8 -> u64();
            default -> {
                need(size);
                long v = 0;
                for (int i = 0; i < size; i++) {
                    v |= (long) u8() << (8 * i);
                }
                yield v;
            }
        };
    }

    long uleb() {
        long start = position;
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            int b = u8();
            if (shift > 63 || (shift == 63 && (b & 0x7e) != 0)) {
                throw error(start, "ULEB128 value does not fit in 64 bits");
            }
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
    }

    long sleb() {
        long start = position;
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            int b = u8();
            if (shift > 63) {
                throw error(start, "SLEB128 value does not fit in 64 bits");
            }
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                if (shift + 7 < 64 && (b & 0x40) != 0) {
                    value |= -1L << (shift + 7);
                }
                return value;
            }
        }
    }

    /** A NUL-terminated string at the cursor. */
    String string() {
        long length = lengthAt(position);
        String s = stringAt(position);
        position += length + 1;
        return s;
    }

    /** The NUL-terminated string at {@code offset}, leaving the cursor where it is. */
    String stringAt(long offset) {
        long length = lengthAt(offset);
        return new String(data.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    private long lengthAt(long offset) {
        if (offset < 0 || offset >= data.byteSize()) {
            throw error(offset, "string offset is past the end of the section (" + data.byteSize() + " bytes)");
        }
        for (long end = offset; end < data.byteSize(); end++) {
            if (data.get(ValueLayout.JAVA_BYTE, end) == 0) {
                return end - offset;
            }
        }
        throw error(offset, "string has no terminating NUL");
    }

    void skip(long bytes) {
        need(bytes);
        position += bytes;
    }

    byte[] bytes(long count) {
        need(count);
        byte[] b = data.asSlice(position, count).toArray(ValueLayout.JAVA_BYTE);
        position += count;
        return b;
    }

    private void need(long bytes) {
        if (bytes < 0 || bytes > data.byteSize() - position) {
            throw error(position, "reading " + Long.toUnsignedString(bytes) + " bytes runs past the end of the section ("
                    + data.byteSize() + " bytes)");
        }
    }

    DwarfException error(long offset, String message) {
        return new DwarfException(section + " offset " + offset + ": " + message);
    }
}
