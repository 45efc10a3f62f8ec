package io.bpfring.decode;

import io.bpfring.btf.Btf;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;

/**
 * Typed access to the fields of records by name, for code that reads a struct known only at
 * run time (no generated class): look the accessors up once, then read every record through them.
 *
 * <pre>{@code
 * StructView event = StructView.of(btf, "event");
 * FieldAccessor pid = event.field("pid");
 * FieldAccessor comm = event.field("comm");
 * // for each record: a segment whose byte 0 is the struct's start
 * int p = pid.getInt(record);
 * String c = comm.getString(record);
 * }</pre>
 *
 * Paths reach into nested structs and arrays: {@code h.pid}, {@code matrix[1][2]},
 * {@code path[0].x}; the members of anonymous structs and unions are their parent's. Immutable.
 */
public final class StructView {
    private final Shape.Struct shape;

    private StructView(Shape.Struct shape) {
        this.shape = shape;
    }

    /** The struct or union {@code name} (or a typedef of one), as {@link RecordDecoder#forStruct} finds it. */
    public static StructView of(Btf btf, String name) {
        return new StructView(ShapeCompiler.compile(btf, ShapeCompiler.find(btf, name)));
    }

    /** The struct or union of type {@code id}. */
    public static StructView of(Btf btf, int id) {
        return new StructView(ShapeCompiler.compile(btf, id));
    }

    /** The view of the struct a decoder decodes. */
    public static StructView of(RecordDecoder decoder) {
        return new StructView(decoder.shape());
    }

    /** The type as C names it. */
    public String typeName() {
        return shape.cName();
    }

    /** The struct's size in bytes. */
    public int size() {
        return shape.size();
    }

    /** The top-level fields, in order. */
    public List<FieldAccessor> fields() {
        List<FieldAccessor> fields = new ArrayList<>();
        for (Shape.Field f : shape.fields()) {
            fields.add(new FieldAccessor(f.name(), f.offset(), f.shape()));
        }
        return fields;
    }

    /**
     * The field at {@code path}: names separated by dots, array elements by {@code [index]}.
     *
     * @throws IllegalArgumentException if there is no such field
     */
    public FieldAccessor field(String path) {
        try {
            return walk(path);
        } catch (IllegalStateException | IndexOutOfBoundsException e) {
            throw badPath(path, e.getMessage());
        }
    }

    private FieldAccessor walk(String path) {
        int at = 0;
        FieldAccessor field = null;
        while (at < path.length()) {
            char c = path.charAt(at);
            if (c == '[') {
                int close = path.indexOf(']', at);
                if (field == null || close < 0) {
                    throw badPath(path, "an index must follow a field and end with ]");
                }
                int index;
                try {
                    index = Integer.parseInt(path.substring(at + 1, close).strip());
                } catch (NumberFormatException e) {
                    throw badPath(path, "'" + path.substring(at + 1, close) + "' is not an index");
                }
                field = field.element(index);
                at = close + 1;
            } else {
                if (c == '.' && field != null) {
                    at++;
                }
                int end = at;
                while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') {
                    end++;
                }
                if (end == at) {
                    throw badPath(path, "a field name is missing at " + at);
                }
                String name = path.substring(at, end);
                field = field == null ? FieldAccessor.member("", 0, shape, name) : field.field(name);
                at = end;
            }
        }
        if (field == null) {
            throw badPath(path, "it is empty");
        }
        return field;
    }

    private IllegalArgumentException badPath(String path, String why) {
        return new IllegalArgumentException("'" + path + "' is not a field path of " + shape.cName() + ": " + why);
    }

    /**
     * Every field the record holds whole, by name in the struct's order, as
     * {@link FieldAccessor#getValue} gives them: a copy that outlives the record, e.g. for a
     * sink's thread.
     */
    public SequencedMap<String, Object> values(MemorySegment record) {
        SequencedMap<String, Object> values = new LinkedHashMap<>();
        for (FieldAccessor f : fields()) {
            if (f.isPresent(record)) {
                values.put(f.name(), f.getValue(record));
            }
        }
        return values;
    }

    @Override
    public String toString() {
        return "view of " + shape.cName() + " (" + shape.size() + " bytes)";
    }
}
