package io.bpfring.decode;

import io.bpfring.btf.Btf;
import io.bpfring.BtfException;
import io.bpfring.btf.BtfKind;
import io.bpfring.btf.BtfType;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Compiles a struct or union type into its {@link Shape}: qualifiers and typedefs resolved,
 * anonymous struct and union members flattened into their parent, bitfields located, and every
 * member checked to lie inside its struct, so decoding never has to ask the type table again
 * and never reads past a struct's size. A type table is untrusted: what does not add up is a
 * {@link DecodeException} naming the type and member.
 */
final class ShapeCompiler {
    /** Deeper nesting than real C has; a cycle in a hostile table stops here. */
    private static final int MAX_DEPTH = 64;
    /** Shapes one struct may compile to: a bound on tables whose types share members exponentially. */
    private static final int MAX_NODES = 1 << 20;

    private final Btf btf;
    private int nodes;

    private ShapeCompiler(Btf btf) {
        this.btf = btf;
    }

    /** The struct or union {@code id} (through typedefs and qualifiers). */
    static Shape.Struct compile(Btf btf, int id) {
        try {
            if (id <= 0 || id >= btf.typeCount()) {
                throw new DecodeException("no type id " + id + " in " + btf);
            }
            int t = btf.resolve(id);
            BtfKind kind = btf.kind(t);
            if (kind != BtfKind.STRUCT && kind != BtfKind.UNION) {
                throw new DecodeException("type id " + id + " (" + btf.typeName(id) + ") is a " + kind
                        + ", not a struct or union");
            }
            return new ShapeCompiler(btf).struct(t, 0, true);
        } catch (DecodeException e) {
            throw e;
        } catch (BtfException e) {
            throw new DecodeException("type id " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * The id of the struct or union {@code name}: a struct, a union, or a typedef of one, in that
     * order; {@code "struct x"} and {@code "union x"} ask for that kind only.
     */
    static int find(Btf btf, String name) {
        List<BtfKind> kinds = List.of(BtfKind.STRUCT, BtfKind.UNION, BtfKind.TYPEDEF);
        String bare = name.strip();
        if (bare.startsWith("struct ")) {
            kinds = List.of(BtfKind.STRUCT);
            bare = bare.substring(7).strip();
        } else if (bare.startsWith("union ")) {
            kinds = List.of(BtfKind.UNION);
            bare = bare.substring(6).strip();
        }
        for (BtfKind kind : kinds) {
            OptionalInt id = btf.find(bare, kind);
            if (id.isPresent()) {
                BtfKind resolved = btf.kind(btf.resolve(id.getAsInt()));
                if (resolved == BtfKind.STRUCT || resolved == BtfKind.UNION) {
                    return id.getAsInt();
                }
            }
        }
        throw new DecodeException("no struct or union named '" + name + "' in " + btf);
    }

    private Shape.Struct struct(int id, int depth, boolean root) {
        BtfType.Composite c = (BtfType.Composite) btf.type(id);
        String cName = btf.typeName(id);
        if (c.size() < 0) {
            throw new DecodeException(cName + " (type id " + id + ") is larger than 2 GiB");
        }
        List<Shape.Field> fields = new ArrayList<>();
        members(c, id, 0, c.size(), fields, depth, root);
        return new Shape.Struct(cName, c.size(), fields);
    }

    /** Adds the members of {@code c}, placed at {@code base} in a struct of {@code size} bytes, to {@code out}. */
    private void members(BtfType.Composite c, int id, int base, int size, List<Shape.Field> out, int depth,
                         boolean root) {
        check(depth, id);
        List<BtfType.Member> members = c.members();
        for (int k = 0; k < members.size(); k++) {
            BtfType.Member m = members.get(k);
            int t = btf.resolve(m.type());
            BtfKind kind = btf.kind(t);
            long bit = m.bitOffset() & 0xffffffffL;
            int width = c.bitfieldOffsets() ? m.bitfieldSize() : 0;
            if (width == 0 && btf.type(t) instanceof BtfType.Int i
                    && (i.bits() != i.size() * 8 || i.bitOffset() != 0)) {
                width = i.bits(); // a bitfield as structs without the kind flag say it
                bit += i.bitOffset();
            }
            if (width == 0 && bit % 8 != 0 && (kind == BtfKind.INT || kind == BtfKind.ENUM || kind == BtfKind.ENUM64)) {
                width = (int) btf.sizeOf(t) * 8; // whole, but not on a byte boundary
            }
            String where = btf.typeName(id) + " member '" + m.name() + "' (#" + k + ")";
            if (width == 0 && bit % 8 != 0) {
                throw new DecodeException(where + " is at bit " + bit + ", not on a byte boundary");
            }
            long offset = base + bit / 8;
            if (m.name().isEmpty()) {
                if (width == 0 && (kind == BtfKind.STRUCT || kind == BtfKind.UNION)) {
                    BtfType.Composite inner = (BtfType.Composite) btf.type(t);
                    within(where, offset, inner.size() & 0xffffffffL, size);
                    members(inner, t, (int) offset, size, out, depth + 1, false);
                }
                continue; // other anonymous members are padding, e.g. "int :3"
            }
            Shape shape = width > 0
                    ? bitfield(t, width, (int) (bit % 8), where)
                    : shape(t, depth + 1, root && k == members.size() - 1, where);
            within(where, offset, shape.size(), size);
            String declaration = btf.declaration(m.type(), m.name()) + (width > 0 ? " : " + width : "");
            out.add(new Shape.Field(m.name(), (int) offset, shape, declaration));
        }
    }

    private static void within(String where, long offset, long length, int size) {
        if (offset + length > size) {
            throw new DecodeException(where + " takes bytes " + offset + " to " + (offset + length)
                    + ", past the end of its struct (" + size + " bytes)");
        }
    }

    private void check(int depth, int id) {
        if (depth > MAX_DEPTH) {
            throw new DecodeException("type id " + id + " is nested more than " + MAX_DEPTH + " deep: a cycle?");
        }
        if (++nodes > MAX_NODES) {
            throw new DecodeException("type id " + id + " has more than " + MAX_NODES + " members counting"
                    + " nested ones: too large to decode");
        }
    }

    private Shape shape(int t, int depth, boolean flexible, String where) {
        check(depth, t);
        return switch (btf.type(t)) {
            case BtfType.Int i -> {
                checkSize(i.size(), where, 1, 2, 4, 8, 16);
                Shape.Kind kind = (i.encoding() & BtfType.Int.BOOL) != 0 ? Shape.Kind.BOOL : Shape.Kind.INT;
                yield new Shape.Scalar(kind, i.size(), i.isSigned(), 0, i.size() * 8, null);
            }
            case BtfType.Enumeration e -> {
                checkSize(e.size(), where, 1, 2, 4, 8);
                yield new Shape.Scalar(Shape.Kind.ENUM, e.size(), e.signed(), 0, e.size() * 8,
                        Enumerators.of(e.name(), e.size(), e.values(), e.size() * 8));
            }
            case BtfType.Float f -> {
                checkSize(f.size(), where, 2, 4, 8, 10, 12, 16);
                yield new Shape.Scalar(Shape.Kind.FLOAT, f.size(), true, 0, f.size() * 8, null);
            }
            case BtfType.Pointer p -> {
                int size = btf.pointerSize();
                yield new Shape.Scalar(Shape.Kind.POINTER, size, false, 0, size * 8, null);
            }
            case BtfType.Array a -> array(a, depth, flexible, where);
            case BtfType.Composite c -> struct(t, depth, false);
            default -> throw new DecodeException(where + " is of type " + btf.typeName(t) + " (" + btf.kind(t)
                    + "), which has no value to decode");
        };
    }

    private Shape array(BtfType.Array a, int depth, boolean flexible, String where) {
        if (a.count() < 0) {
            throw new DecodeException(where + " is an array of " + Integer.toUnsignedString(a.count())
                    + " elements: too large to decode");
        }
        int element = btf.resolve(a.type());
        flexible &= a.count() == 0;
        if (isChar(element)) {
            return new Shape.Text(a.count(), flexible);
        }
        Shape shape = shape(element, depth + 1, false, where);
        long size = (long) a.count() * shape.size();
        if (size > Integer.MAX_VALUE) {
            throw new DecodeException(where + " is an array of " + size + " bytes: too large to decode");
        }
        return new Shape.Array(shape, a.count(), shape.size(), flexible);
    }

    /** A {@code char}: text, where {@code signed char}, {@code unsigned char} and {@code __u8} are numbers. */
    private boolean isChar(int t) {
        return btf.type(t) instanceof BtfType.Int i && i.size() == 1
                && (i.name().equals("char") || (i.encoding() & BtfType.Int.CHAR) != 0);
    }

    private Shape bitfield(int t, int width, int shift, String where) {
        int span = (shift + width + 7) / 8;
        return switch (btf.type(t)) {
            case BtfType.Int i when width <= 64 && width <= i.size() * 8 -> new Shape.Scalar(
                    (i.encoding() & BtfType.Int.BOOL) != 0 ? Shape.Kind.BOOL : Shape.Kind.INT,
                    span, i.isSigned(), shift, width, null);
            case BtfType.Enumeration e when width <= 64 && width <= e.size() * 8 -> new Shape.Scalar(
                    Shape.Kind.ENUM, span, e.signed(), shift, width,
                    Enumerators.of(e.name(), e.size(), e.values(), width));
            default -> throw new DecodeException(where + " is a bitfield of " + width + " bits of type "
                    + btf.typeName(t) + ": only integers and enums of up to 64 bits can be bitfields here");
        };
    }

    private static void checkSize(int size, String where, int... allowed) {
        for (int a : allowed) {
            if (size == a) {
                return;
            }
        }
        throw new DecodeException(where + " is a scalar of " + Integer.toUnsignedString(size) + " bytes,"
                + " which has no meaning here");
    }
}
