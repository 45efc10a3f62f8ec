package io.bpfring.decode;

import java.util.List;

/**
 * What the bytes of a value are, as the decoders see them: the BTF type of a struct compiled
 * once, with typedefs and qualifiers gone, anonymous members flattened, and every offset and size
 * checked to lie inside the struct. Offsets are in bytes from the start of the enclosing struct
 * (or array element).
 */
sealed interface Shape {
    /** Bytes the value takes; 0 for a flexible array, which takes what the record holds. */
    int size();

    /** What a scalar's bits mean. */
    enum Kind {
        INT,
        BOOL,
        ENUM,
        FLOAT,
        POINTER
    }

    /**
     * A number read from {@code size} bytes (little-endian). A bitfield is {@code bits} bits
     * starting {@code shift} bits into its first byte, {@code size} being the bytes it spans
     * (up to 9); {@code bits} is {@code size * 8} and {@code shift} 0 for a whole value.
     */
    record Scalar(Kind kind, int size, boolean signed, int shift, int bits, Enumerators names) implements Shape {
        /** Whether reading it takes shifting and masking, not one load of 1, 2, 4, 8 or 16 bytes. */
        boolean bitfield() {
            return shift != 0 || bits != size * 8 || Integer.bitCount(size) != 1;
        }
    }

    /** A char array: a string cut at its first NUL. {@code length} 0 and {@code flexible}: what the record holds. */
    record Text(int length, boolean flexible) implements Shape {
        public int size() {
            return length;
        }
    }

    /** {@code count} elements {@code stride} bytes apart; a flexible array has as many as the record holds whole. */
    record Array(Shape element, int count, int stride, boolean flexible) implements Shape {
        public int size() {
            return count * stride;
        }
    }

    /** A struct or union, named members in order; {@code cName} is how C names its type. */
    record Struct(String cName, int size, List<Field> fields) implements Shape {
        public Struct {
            fields = List.copyOf(fields);
        }

        /** The trailing flexible array member, if the struct ends with one. */
        boolean flexible() {
            return !fields.isEmpty() && switch (fields.getLast().shape()) {
                case Text t -> t.flexible();
                case Array a -> a.flexible();
                default -> false;
            };
        }
    }

    /** A named member at {@code offset} bytes; {@code declaration} is how C declares it, e.g. {@code char comm[16]}. */
    record Field(String name, int offset, Shape shape, String declaration) {
        int end() {
            return offset + shape.size();
        }
    }
}
