package io.bpfring.decode;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A struct's {@link Shape} flattened into one array of steps, run once per record: each step
 * knows its offset, its size and its name already encoded as JSON, so a record is written
 * straight from the ring into a {@link TextBuffer} with no lookup and, for everything but floats
 * and 128-bit integers beyond 64 bits, no allocation.
 *
 * <p>A struct's members follow its step; an array's element step follows the array's. Every
 * step records where its members end, which is where its next sibling starts. A step is
 * written only when the record holds all of it, so a short record gives its whole leading
 * fields and nothing read past its end.
 */
final class Plan {
    // Whole integers have a code for each size and sign, so that the common case is one switch.
    static final int S8 = 0;
    static final int U8 = 1;
    static final int S16 = 2;
    static final int U16 = 3;
    static final int S32 = 4;
    static final int U32 = 5;
    static final int S64 = 6;
    static final int U64 = 7;
    static final int TEXT = 8;
    static final int OBJECT = 9;
    static final int ARRAY = 10;
    static final int BITS = 11;
    static final int INT128 = 12;
    static final int BOOL = 13;
    static final int ENUM = 14;
    static final int FLOAT = 15;
    static final int POINTER = 16;

    private static final byte[] TRUE = "true".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "false".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

    /**
     * One step. {@code jsonName} is {@code "name":}, {@code jsonNextName} the same after a comma;
     * {@code size} is 0 for a flexible array, which takes the rest of the record; {@code end} is
     * the index after its members (after itself for a leaf).
     */
    record Op(int code, String name, byte[] jsonName, byte[] jsonNextName, int offset, int size, Shape shape, int end) {
        Shape.Scalar scalar() {
            return (Shape.Scalar) shape;
        }
    }

    private final Op[] ops;
    /** The steps of the top-level fields, in order. */
    private final int[] top;

    Plan(Shape.Struct root) {
        List<Op> steps = new ArrayList<>();
        fields(root, steps);
        this.ops = steps.toArray(Op[]::new);
        List<Integer> first = new ArrayList<>();
        for (int i = 0; i < ops.length; i = ops[i].end()) {
            first.add(i);
        }
        this.top = first.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void fields(Shape.Struct struct, List<Op> steps) {
        for (Shape.Field f : struct.fields()) {
            step(f.name(), f.offset(), f.shape(), steps);
        }
    }

    private static void step(String name, int offset, Shape shape, List<Op> steps) {
        int index = steps.size();
        steps.add(null);
        int code = switch (shape) {
            case Shape.Scalar sc -> switch (sc.kind()) {
                case INT -> sc.bitfield() ? BITS : switch (sc.size()) {
                    case 1 -> sc.signed() ? S8 : U8;
                    case 2 -> sc.signed() ? S16 : U16;
                    case 4 -> sc.signed() ? S32 : U32;
                    case 8 -> sc.signed() ? S64 : U64;
                    default -> INT128;
                };
                case BOOL -> BOOL;
                case ENUM -> ENUM;
                case FLOAT -> FLOAT;
                case POINTER -> POINTER;
            };
            case Shape.Text t -> TEXT;
            case Shape.Struct s -> {
                fields(s, steps);
                yield OBJECT;
            }
            case Shape.Array a -> {
                step(null, 0, a.element(), steps);
                yield ARRAY;
            }
        };
        String json = name == null ? null : CString.encode(name, true) + ":";
        byte[] jsonName = json == null ? null : json.getBytes(StandardCharsets.UTF_8);
        byte[] jsonNextName = json == null ? null : ("," + json).getBytes(StandardCharsets.UTF_8);
        steps.set(index, new Op(code, name, jsonName, jsonNextName, offset, shape.size(), shape, steps.size()));
    }

    /** The steps of the top-level fields. */
    int[] top() {
        return top;
    }

    Op op(int index) {
        return ops[index];
    }

    /** The JSON object of a whole record at {@code base}. */
    void record(MemorySegment s, long base, long limit, TextBuffer out) {
        object(0, ops.length, s, base, limit, out);
    }

    /** The JSON object of the members in steps {@code [from, to)} of a struct at {@code base}. */
    void object(int from, int to, MemorySegment s, long base, long limit, TextBuffer out) {
        out.put((byte) '{');
        boolean first = true;
        for (int i = from; i < to; ) {
            Op op = ops[i];
            long at = base + op.offset();
            if (at + op.size() <= limit) {
                out.put(first ? op.jsonName() : op.jsonNextName());
                first = false;
                value(i, s, at, limit, out, true);
            }
            i = op.end();
        }
        out.put((byte) '}');
    }

    /**
     * The value of step {@code i} at {@code at}, whose bytes up to {@code limit} the record holds:
     * as JSON, or as a table cell shows it (strings, enum names and pointers unquoted). The
     * common kinds are here, the rest in {@link #rare}, so that this stays small enough to inline.
     */
    void value(int i, MemorySegment s, long at, long limit, TextBuffer out, boolean json) {
        Op op = ops[i];
        switch (op.code()) {
            case S8 -> out.decimal(s.get(ValueLayout.JAVA_BYTE, at));
            case U8 -> out.decimal(s.get(ValueLayout.JAVA_BYTE, at) & 0xff);
            case S16 -> out.decimal(s.get(Scalars.S16, at));
            case U16 -> out.decimal(s.get(Scalars.S16, at) & 0xffff);
            case S32 -> out.decimal(s.get(Scalars.S32, at));
            case U32 -> out.decimal(s.get(Scalars.S32, at) & 0xffffffffL);
            case S64 -> out.decimal(s.get(Scalars.S64, at));
            case U64 -> out.unsignedDecimal(s.get(Scalars.S64, at));
            case TEXT -> CString.write(s, at, op.size() > 0 ? op.size() : flexibleLength(op, at, limit), out, json);
            case OBJECT -> object(i + 1, op.end(), s, at, limit, out);
            case ARRAY -> array(i, s, at, limit, out);
            default -> rare(op, s, at, out, json);
        }
    }

    private void array(int i, MemorySegment s, long at, long limit, TextBuffer out) {
        Shape.Array a = (Shape.Array) ops[i].shape();
        long count = a.flexible() ? (a.stride() == 0 ? 0 : (limit - at) / a.stride()) : a.count();
        out.put((byte) '[');
        for (long k = 0; k < count; k++) {
            if (k > 0) {
                out.put((byte) ',');
            }
            value(i + 1, s, at + k * a.stride(), limit, out, true);
        }
        out.put((byte) ']');
    }

    /** Bitfields, 128-bit integers, bools, enums, floats and pointers. */
    private static void rare(Op op, MemorySegment s, long at, TextBuffer out, boolean json) {
        Shape.Scalar sc = op.scalar();
        switch (op.code()) {
            case BITS -> {
                long v = Scalars.bits(s, at, sc.size(), sc.shift(), sc.bits(), sc.signed());
                if (sc.signed()) {
                    out.decimal(v);
                } else {
                    out.unsignedDecimal(v);
                }
            }
            case INT128 -> {
                if (Scalars.fitsLong(s, at, sc.signed())) {
                    long v = s.get(Scalars.S64, at);
                    if (sc.signed()) {
                        out.decimal(v);
                    } else {
                        out.unsignedDecimal(v);
                    }
                } else {
                    out.ascii(Scalars.int128(s, at, sc.signed()).toString());
                }
            }
            case BOOL -> out.put(Scalars.read(s, at, sc) != 0 ? TRUE : FALSE);
            case ENUM -> {
                long v = Scalars.read(s, at, sc);
                int name = sc.names().find(v);
                if (name >= 0) {
                    out.put(json ? sc.names().json(name) : sc.names().bare(name));
                } else if (sc.signed()) {
                    out.decimal(v);
                } else {
                    out.unsignedDecimal(v);
                }
            }
            case FLOAT -> floating(sc.size(), Scalars.floating(s, at, sc.size()), out, json);
            case POINTER -> {
                if (json) {
                    out.put((byte) '"');
                }
                out.hex(Scalars.read(s, at, sc));
                if (json) {
                    out.put((byte) '"');
                }
            }
            default -> throw new IllegalStateException("step code " + op.code());
        }
    }

    /** What a trailing flexible char array holds: the rest of the record. */
    private static long flexibleLength(Op op, long at, long limit) {
        return ((Shape.Text) op.shape()).flexible() ? limit - at : 0;
    }

    /** JSON has no NaN or infinities: they are null there (as JavaScript writes them), and spelt out in a table. */
    private static void floating(int size, double v, TextBuffer out, boolean json) {
        if (json && (Double.isNaN(v) || Double.isInfinite(v))) {
            out.put(NULL);
        } else {
            out.ascii(size <= 4 ? Float.toString((float) v) : Double.toString(v));
        }
    }
}
