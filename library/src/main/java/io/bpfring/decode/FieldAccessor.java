package io.bpfring.decode;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;
import java.util.Objects;

/**
 * Reads one field of a struct out of records, its offset, size and kind worked out once when
 * the accessor was made: {@code pid.getLong(record)} is a bounds check and a load. The record
 * is a segment whose byte 0 is the struct's start, e.g. a ring record's payload. Getters of
 * numbers allocate nothing; a field the record does not hold whole is an
 * {@link IndexOutOfBoundsException} saying so (see {@link #isPresent}). Immutable.
 */
public final class FieldAccessor {
    private final String path;
    private final int offset;
    private final Shape shape;
    private final FieldKind kind;

    FieldAccessor(String path, int offset, Shape shape) {
        this.path = path;
        this.offset = offset;
        this.shape = shape;
        this.kind = switch (shape) {
            case Shape.Scalar sc -> switch (sc.kind()) {
                case INT -> FieldKind.INTEGER;
                case BOOL -> FieldKind.BOOLEAN;
                case ENUM -> FieldKind.ENUM;
                case FLOAT -> FieldKind.FLOAT;
                case POINTER -> FieldKind.POINTER;
            };
            case Shape.Text t -> FieldKind.STRING;
            case Shape.Struct s -> FieldKind.STRUCT;
            case Shape.Array a -> FieldKind.ARRAY;
        };
    }

    /** The field's path from the struct, e.g. {@code pid}, {@code h.comm}, {@code path[1].x}. */
    public String name() {
        return path;
    }

    public FieldKind kind() {
        return kind;
    }

    /** Byte offset from the start of the struct (of the first byte, for a bitfield). */
    public int offset() {
        return offset;
    }

    /** Bytes the field takes (that a bitfield spans); 0 for a flexible array. */
    public int size() {
        return shape.size();
    }

    /** Whether {@code record} holds the whole field. */
    public boolean isPresent(MemorySegment record) {
        return offset + (long) shape.size() <= record.byteSize();
    }

    /**
     * An integer, bitfield, bool, enum value or pointer: sign-extended if its type is signed;
     * an unsigned 64-bit value above {@link Long#MAX_VALUE} comes back negative (see
     * {@link Long#toUnsignedString(long)}); of a 128-bit integer, the low 64 bits.
     */
    public long getLong(MemorySegment record) {
        Shape.Scalar sc = scalar("getLong", FieldKind.INTEGER, FieldKind.BOOLEAN, FieldKind.ENUM, FieldKind.POINTER);
        check(record);
        return Scalars.read(record, offset, sc);
    }

    /** {@link #getLong} of a field that fits an int, e.g. a {@code pid_t}; a wider value is cut to its low 32 bits. */
    public int getInt(MemorySegment record) {
        return (int) getLong(record);
    }

    /** An integer of any size (128 bits too), signed or not as its type says. */
    public BigInteger getBigInteger(MemorySegment record) {
        Shape.Scalar sc = scalar("getBigInteger", FieldKind.INTEGER, FieldKind.ENUM, FieldKind.POINTER);
        check(record);
        if (sc.size() == 16 && !sc.bitfield()) {
            return Scalars.int128(record, offset, sc.signed());
        }
        long v = Scalars.read(record, offset, sc);
        return sc.signed() || v >= 0 ? BigInteger.valueOf(v) : new BigInteger(Long.toUnsignedString(v));
    }

    /** A float, or an integer as a double. */
    public double getDouble(MemorySegment record) {
        Shape.Scalar sc = scalar("getDouble", FieldKind.FLOAT, FieldKind.INTEGER);
        check(record);
        if (sc.kind() == Shape.Kind.FLOAT) {
            return Scalars.floating(record, offset, sc.size());
        }
        return getBigInteger(record).doubleValue();
    }

    /** A bool, or whether an integer is not zero. */
    public boolean getBoolean(MemorySegment record) {
        Shape.Scalar sc = scalar("getBoolean", FieldKind.BOOLEAN, FieldKind.INTEGER);
        check(record);
        return sc.size() == 16 && !sc.bitfield()
                ? Scalars.int128(record, offset, false).signum() != 0
                : Scalars.read(record, offset, sc) != 0;
    }

    /**
     * A char array as a string, cut at its first NUL (bytes that are not UTF-8 become U+FFFD);
     * an enum's name, or its number if no name has it.
     */
    public String getString(MemorySegment record) {
        switch (shape) {
            case Shape.Text t -> {
                check(record);
                long max = t.flexible() ? record.byteSize() - offset : t.length();
                int n = 0;
                while (n < max && record.get(ValueLayout.JAVA_BYTE, offset + n) != 0) {
                    n++;
                }
                return new String(record.asSlice(offset, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
            }
            case Shape.Scalar sc when sc.kind() == Shape.Kind.ENUM -> {
                check(record);
                long v = Scalars.read(record, offset, sc);
                int name = sc.names().find(v);
                return name >= 0 ? sc.names().name(name) : sc.signed() ? Long.toString(v) : Long.toUnsignedString(v);
            }
            default -> throw wrongKind("getString", FieldKind.STRING, FieldKind.ENUM);
        }
    }

    /**
     * The value as plain Java objects: {@code Long} (or {@code BigInteger} where a long cannot
     * hold it), {@code Boolean}, {@code Double}, {@code String} (strings, enum names, pointers in
     * hex), {@code List} for arrays and {@code Map} (in member order) for structs. For generic
     * code; it allocates.
     */
    public Object getValue(MemorySegment record) {
        check(record);
        return switch (kind) {
            case INTEGER -> {
                BigInteger v = getBigInteger(record);
                yield v.bitLength() < 64 ? (Object) v.longValue() : v;
            }
            case BOOLEAN -> getBoolean(record);
            case ENUM, STRING -> getString(record);
            case FLOAT -> getDouble(record);
            case POINTER -> "0x" + Long.toHexString(getLong(record));
            case STRUCT -> {
                SequencedMap<String, Object> map = new LinkedHashMap<>();
                for (FieldAccessor f : fields()) {
                    if (f.isPresent(record)) {
                        map.put(f.path.substring(path.length() + 1), f.getValue(record));
                    }
                }
                yield map;
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (int i = 0; i < count(record); i++) {
                    list.add(element(i).getValue(record));
                }
                yield list;
            }
        };
    }

    /** The members of a nested struct or union, anonymous ones' members in their place. */
    public List<FieldAccessor> fields() {
        if (!(shape instanceof Shape.Struct s)) {
            throw wrongKind("fields", FieldKind.STRUCT);
        }
        List<FieldAccessor> fields = new ArrayList<>();
        for (Shape.Field f : s.fields()) {
            fields.add(new FieldAccessor(path + "." + f.name(), offset + f.offset(), f.shape()));
        }
        return fields;
    }

    /** The member {@code name} of a nested struct or union. */
    public FieldAccessor field(String name) {
        if (!(shape instanceof Shape.Struct s)) {
            throw wrongKind("field", FieldKind.STRUCT);
        }
        return member(path, offset, s, name);
    }

    /**
     * Element {@code index} of an array; of a flexible array any index, whether a record holds
     * it being {@link #isPresent}.
     */
    public FieldAccessor element(int index) {
        if (!(shape instanceof Shape.Array a)) {
            throw wrongKind("element", FieldKind.ARRAY);
        }
        if (!a.flexible()) {
            Objects.checkIndex(index, a.count());
        } else if (index < 0 || offset + (long) index * a.stride() > Integer.MAX_VALUE) {
            throw new IndexOutOfBoundsException(path + " has no element " + index);
        }
        return new FieldAccessor(path + "[" + index + "]", offset + index * a.stride(), a.element());
    }

    /** The elements of an array: its length, or for a flexible array those the record holds whole. */
    public int count(MemorySegment record) {
        if (!(shape instanceof Shape.Array a)) {
            throw wrongKind("count", FieldKind.ARRAY);
        }
        if (!a.flexible()) {
            return a.count();
        }
        long room = record.byteSize() - offset;
        return room <= 0 || a.stride() == 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, room / a.stride());
    }

    static FieldAccessor member(String parent, int base, Shape.Struct struct, String name) {
        for (Shape.Field f : struct.fields()) {
            if (f.name().equals(name)) {
                return new FieldAccessor(parent.isEmpty() ? name : parent + "." + name, base + f.offset(), f.shape());
            }
        }
        throw new IllegalArgumentException(struct.cName() + " has no field '" + name + "'"
                + (parent.isEmpty() ? "" : " (in " + parent + ")") + "; it has "
                + struct.fields().stream().map(Shape.Field::name).toList());
    }

    private Shape.Scalar scalar(String getter, FieldKind... kinds) {
        for (FieldKind k : kinds) {
            if (k == kind) {
                return (Shape.Scalar) shape;
            }
        }
        throw wrongKind(getter, kinds);
    }

    private IllegalStateException wrongKind(String getter, FieldKind... kinds) {
        return new IllegalStateException(path + " is " + kind + ": " + getter + " reads " + List.of(kinds));
    }

    private void check(MemorySegment record) {
        if (!isPresent(record)) {
            throw new IndexOutOfBoundsException("a record of " + record.byteSize() + " bytes does not hold " + path
                    + " (bytes " + offset + " to " + (offset + shape.size()) + ")");
        }
    }

    @Override
    public String toString() {
        return path + " (" + kind + ", " + shape.size() + " bytes at " + offset + ")";
    }
}
