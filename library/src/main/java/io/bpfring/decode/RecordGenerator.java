package io.bpfring.decode;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Writes the Java source of a {@code record} for a C struct: one component a field, typed
 * ({@code int}, {@code long}, {@code String} for char arrays, nested records, arrays), with a
 * static {@code decode(MemorySegment)} that reads a record's bytes straight into it, and a
 * nested {@code View} that reads fields in place, allocating nothing for numbers: wrap each
 * record in turn and call {@code pid()}, {@code comm()}, ... The source needs only
 * {@code java.base}; the record's class comment carries the C definition it came from.
 *
 * <p>Types: signed integers keep their width ({@code byte}, {@code short}, {@code int},
 * {@code long}); unsigned ones widen so the value is right ({@code u8} and {@code u16} to
 * {@code int}, {@code u32} to {@code long}), but {@code u64} is a {@code long} of the same bits
 * (see {@link Long#toUnsignedString(long)}); 128-bit integers are {@code BigInteger}s; bitfields
 * are an {@code int} or a {@code long} as their width needs; enums are their value, with a
 * nested class of the enumerators and {@code name(value)}; pointers are {@code long} addresses.
 * Anonymous structs and unions are flattened as in the JSON form; a named union is a nested
 * record of all its members.
 *
 * <p>{@code decode} of a record shorter than the struct reads it as if zero-filled; a trailing
 * flexible array takes what the record holds past the struct.
 */
public final class RecordGenerator {
    /** Names a record or its view has already, that a field's accessor must not take. */
    private static final String[] RECORD_NAMES = {"getClass", "notify", "notifyAll", "wait", "hashCode", "toString",
            "clone", "finalize", "equals", "decode", "read", "SIZE", "View"};
    private static final String[] VIEW_NAMES = {"getClass", "notify", "notifyAll", "wait", "hashCode", "toString",
            "clone", "finalize", "equals", "wrap", "place", "toRecord", "SIZE", "s", "at", "end"};

    /** Parameter slots a constructor may have: 255, less one for {@code this}. */
    private static final int MAX_SLOTS = 254;

    private final Shape.Struct root;
    private final String definition;
    private final String packageName;
    private final String className;
    private final JavaNames typeNames;
    private final Map<Shape.Struct, String> records = new LinkedHashMap<>();
    /** One class for each enum type, whatever widths its fields read it at. */
    private final Map<EnumType, String> enums = new LinkedHashMap<>();
    private final Map<Shape.Array, String> arrays = new LinkedHashMap<>();
    private final Set<String> helpers = new TreeSet<>();
    private final StringBuilder out = new StringBuilder();

    private RecordGenerator(Shape.Struct root, String definition, String packageName, String className) {
        this.root = root;
        this.definition = definition;
        this.packageName = packageName;
        this.className = className;
        this.typeNames = new JavaNames(className, "View");
        records.put(root, className);
        name(root);
    }

    /**
     * The source of {@code packageName.className} for the struct or union {@code struct} (as
     * {@link RecordDecoder#forStruct} finds it); a null or empty package is the unnamed one, a
     * null class name is the struct's name in camel case ({@code lc_exec}: {@code LcExec}).
     */
    public static String generate(Btf btf, String struct, String packageName, String className) {
        return generate(btf, ShapeCompiler.find(btf, struct), packageName, className);
    }

    /** The source for the struct or union of type {@code id}. */
    public static String generate(Btf btf, int id, String packageName, String className) {
        Shape.Struct shape = ShapeCompiler.compile(btf, id);
        String name = className != null ? className : JavaNames.type(btf.name(btf.resolve(id)));
        if (!JavaNames.identifier(name).equals(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a Java class name");
        }
        RecordGenerator g = new RecordGenerator(shape, btf.definition(btf.resolve(id)),
                packageName == null ? "" : packageName, name);
        return g.source();
    }

    /** Gives every nested struct and enum a type name, depth first, in field order. */
    private void name(Shape.Struct struct) {
        for (Shape.Field f : struct.fields()) {
            name(f.shape(), f.name());
        }
    }

    private void name(Shape shape, String field) {
        switch (shape) {
            case Shape.Struct s when !records.containsKey(s) -> {
                String cName = s.cName().replaceFirst("^(struct|union) ", "");
                records.put(s, typeNames.claim(JavaNames.type(cName.startsWith("{") ? field : cName)));
                name(s);
            }
            case Shape.Array a -> name(a.element(), field);
            case Shape.Scalar sc when sc.names() != null && !enums.containsKey(EnumType.of(sc.names())) -> {
                String cName = sc.names().cName();
                String type = JavaNames.type(cName.isEmpty() ? field + "_values" : cName);
                enums.put(EnumType.of(sc.names()), typeNames.claim(type));
            }
            default -> {
            }
        }
    }

    private String source() {
        line("", "// Generated by bpfring from " + root.cName() + " (" + root.size() + " bytes)."
                + " Do not edit: generate it again.");
        if (!packageName.isEmpty()) {
            line("", "package " + packageName + ";");
        }
        line("", "");
        int imports = out.length();
        line("", "");
        line("", "/**");
        line("", " * " + code(root.cName()) + " (" + root.size() + " bytes) as a record, and a view that reads it"
                + " in place.");
        line("", " *");
        line("", " * <pre>");
        for (String l : definition.split("\n")) {
            line("", " * " + html(l));
        }
        line("", " * </pre>");
        params(root, "");
        line("", " */");
        record(root, className, "");
        // The helpers are known once everything else is written: they go before the last brace.
        String helperCode = helpers();
        out.insert(out.lastIndexOf("}"), helperCode);
        out.insert(imports, imports());
        return out.toString();
    }

    private String imports() {
        helpers.add("Objects"); // wrap and decode check their bounds
        StringBuilder b = new StringBuilder();
        b.append("import java.lang.foreign.MemorySegment;\n");
        b.append("import java.lang.foreign.ValueLayout;\n");
        if (uses("int128")) {
            b.append("import java.math.BigInteger;\n");
        }
        b.append("import java.nio.ByteOrder;\n");
        if (uses("string")) {
            b.append("import java.nio.charset.StandardCharsets;\n");
        }
        if (uses("Objects")) {
            b.append("import java.util.Objects;\n");
        }
        return b.toString();
    }

    private boolean uses(String helper) {
        return helpers.contains(helper);
    }

    // ---- records and views

    private record Component(Shape.Field field, String name, String type) {
    }

    private List<Component> components(Shape.Struct struct) {
        JavaNames names = new JavaNames(RECORD_NAMES);
        for (String t : records.values()) {
            names.claim(t);
        }
        for (String t : enums.values()) {
            names.claim(t);
        }
        List<Component> components = new ArrayList<>();
        for (Shape.Field f : struct.fields()) {
            components.add(new Component(f, names.claim(f.name()), type(f.shape())));
        }
        return components;
    }

    private void params(Shape.Struct struct, String indent) {
        List<Component> components = components(struct);
        if (!components.isEmpty()) {
            line(indent, " *");
        }
        for (Component c : components) {
            line(indent, " * @param " + c.name + " " + code(c.field.declaration()) + ", byte " + c.field.offset());
        }
    }

    private void record(Shape.Struct struct, String name, String indent) {
        List<Component> components = components(struct);
        int slots = components.stream().mapToInt(c -> c.type.equals("long") || c.type.equals("double") ? 2 : 1).sum();
        if (slots > MAX_SLOTS) {
            throw new DecodeException(struct.cName() + " has " + components.size() + " fields, more than a Java record"
                    + " can hold (its constructor has " + MAX_SLOTS + " parameter slots, a long or double taking two):"
                    + " read it through a StructView");
        }
        List<String> declared = components.stream().map(c -> c.type + " " + c.name).toList();
        String header = "public record " + name + "(";
        if (header.length() + String.join(", ", declared).length() + indent.length() <= 100) {
            line(indent, header + String.join(", ", declared) + ") {");
        } else {
            line(indent, header);
            for (int i = 0; i < declared.size(); i++) {
                line(indent + "        ", declared.get(i) + (i < declared.size() - 1 ? "," : ") {"));
            }
        }
        String in = indent + "    ";
        line(in, "/** <code>sizeof(" + html(struct.cName()) + ")</code>. */");
        line(in, "public static final int SIZE = " + struct.size() + ";");
        line(in, "");
        line(in, "/** Decodes a record; one shorter than {@link #SIZE} reads as if zero-filled. */");
        line(in, "public static " + name + " decode(MemorySegment record) {");
        line(in + "    ", "MemorySegment s = " + helper("full") + "(record, SIZE);");
        line(in + "    ", "return read(s, 0, s.byteSize());");
        line(in, "}");
        line(in, "");
        line(in, "/** Decodes the record of {@code length} bytes at {@code offset} of {@code data}, e.g. a ring's. */");
        line(in, "public static " + name + " decode(MemorySegment data, long offset, long length) {");
        line(in + "    ", "Objects.checkFromIndexSize(offset, length, data.byteSize());");
        line(in + "    ", "return length >= SIZE ? read(data, offset, offset + length)");
        line(in + "            ", ": decode(data.asSlice(offset, length));");
        line(in, "}");
        line(in, "");
        line(in, "private static " + name + " read(MemorySegment s, long at, long end) {");
        if (components.isEmpty()) {
            line(in + "    ", "return new " + name + "();");
        } else {
            line(in + "    ", "return new " + name + "(");
            for (int i = 0; i < components.size(); i++) {
                Shape.Field f = components.get(i).field;
                String end = i < components.size() - 1 ? "," : ");";
                line(in + "            ", expr(f.shape(), offset("at", f.offset())) + end);
            }
        }
        line(in, "}");
        view(struct, name, components, in);
        if (indent.isEmpty()) {
            for (Map.Entry<Shape.Struct, String> r : records.entrySet()) {
                if (r.getKey() != root) {
                    line(in, "");
                    line(in, "/**");
                    line(in, " * " + code(r.getKey().cName()) + " (" + r.getKey().size() + " bytes).");
                    params(r.getKey(), in);
                    line(in, " */");
                    record(r.getKey(), r.getValue(), in);
                }
            }
            for (Map.Entry<EnumType, String> e : enums.entrySet()) {
                enumeration(e.getKey(), e.getValue(), in);
            }
        }
        line(indent, "}");
    }

    private void view(Shape.Struct struct, String name, List<Component> components, String indent) {
        String in = indent + "    ";
        String body = in + "    ";
        line(indent, "");
        line(indent, "/**");
        line(indent, " * A record of " + code(struct.cName()) + " in place: each method reads its field when called,");
        line(indent, " * allocating nothing for numbers. Reuse one view: {@link #wrap} each record in turn.");
        line(indent, " */");
        line(indent, "public static final class View {");
        line(in, "private MemorySegment s;");
        line(in, "private long at;");
        line(in, "private long end;");
        line(in, "");
        line(in, "/** Views {@code record}, which must hold the whole struct; returns this view. */");
        line(in, "public View wrap(MemorySegment record) {");
        line(body, "return wrap(record, 0, record.byteSize());");
        line(in, "}");
        line(in, "");
        line(in, "/**");
        line(in, " * Views the record of {@code length} bytes at {@code offset} of {@code data}, e.g. a ring's");
        line(in, " * memory, without a slice; it must hold the whole struct. Returns this view.");
        line(in, " */");
        line(in, "public View wrap(MemorySegment data, long offset, long length) {");
        line(body, "Objects.checkFromIndexSize(offset, length, data.byteSize());");
        line(body, "if (length < SIZE) {");
        line(body + "    ", "throw new IllegalArgumentException(\"a record of \" + length");
        line(body + "            ",
                "+ \" bytes is shorter than " + literalBody(struct.cName()) + " (\" + SIZE + \" bytes)\");");
        line(body, "}");
        line(body, "return place(data, offset, offset + length);");
        line(in, "}");
        line(in, "");
        line(in, "private View place(MemorySegment s, long at, long end) {");
        line(body, "this.s = s;");
        line(body, "this.at = at;");
        line(body, "this.end = end;");
        line(body, "return this;");
        line(in, "}");
        JavaNames names = new JavaNames(VIEW_NAMES);
        for (Component c : components) {
            names.claim(c.name);
        }
        for (Component c : components) {
            Shape.Field f = c.field;
            String o = offset("at", f.offset());
            String doc = "/** " + code(f.declaration()) + ", byte " + f.offset() + ". */";
            line(in, "");
            line(in, doc);
            switch (f.shape()) {
                case Shape.Struct s -> {
                    line(in, "public " + records.get(s) + ".View " + c.name + "() {");
                    line(body, "return new " + records.get(s) + ".View().place(s, " + o + ", end);");
                    line(in, "}");
                }
                case Shape.Array a -> {
                    line(in, "public " + c.type + " " + c.name + "() {");
                    line(body, "return " + expr(a, o) + ";");
                    line(in, "}");
                    element(c, a, o, names, in);
                }
                default -> {
                    line(in, "public " + c.type + " " + c.name + "() {");
                    line(body, "return " + expr(f.shape(), o) + ";");
                    line(in, "}");
                }
            }
            if (f.shape() instanceof Shape.Text t) {
                line(in, "");
                line(in, "/** The bytes of " + code(f.declaration()) + ", in place. */");
                line(in, "public MemorySegment " + names.claim(c.name + "Bytes") + "() {");
                line(body, "return s.asSlice(" + o + ", " + (t.flexible() ? "end - (" + o + ")" : t.length()) + ");");
                line(in, "}");
            }
        }
        line(in, "");
        line(in, "/** The whole record, decoded. */");
        line(in, "public " + name + " toRecord() {");
        line(body, "return " + name + ".read(s, at, end);");
        line(in, "}");
        line(indent, "}");
    }

    /** {@code name(i, j, ...)}: one element of an array in place, and for a flexible array its count. */
    private void element(Component c, Shape.Array array, String o, JavaNames names, String in) {
        String body = in + "    ";
        List<String> params = new ArrayList<>();
        StringBuilder at = new StringBuilder(o);
        List<String> checks = new ArrayList<>();
        Shape shape = array;
        String count = null;
        while (shape instanceof Shape.Array a) {
            String i = "i" + params.size();
            params.add("int " + i);
            String n = a.flexible() ? count = names.claim(c.name + "Count") : String.valueOf(a.count());
            checks.add("Objects.checkIndex(" + i + ", " + (a.flexible() ? n + "()" : n) + ");");
            helpers.add("Objects");
            at.append(" + ").append(a.stride() == 1 ? "" : a.stride() + "L * ").append(i);
            shape = a.element();
        }
        if (count != null) {
            line(in, "");
            line(in, "/** The elements of " + code(c.field.declaration()) + " the record holds whole. */");
            line(in, "public int " + count + "() {");
            line(body, "return " + helper("count") + "(end - (" + o + "), " + array.stride() + ");");
            line(in, "}");
        }
        line(in, "");
        line(in, "/** One element of " + code(c.field.declaration()) + ", in place. */");
        String type = shape instanceof Shape.Struct s ? records.get(s) + ".View" : type(shape);
        line(in, "public " + type + " " + c.name + "(" + String.join(", ", params) + ") {");
        for (String check : checks) {
            line(body, check);
        }
        line(body, "return " + (shape instanceof Shape.Struct s
                ? "new " + records.get(s) + ".View().place(s, " + at + ", end)"
                : expr(shape, at.toString())) + ";");
        line(in, "}");
    }

    private record EnumType(String cName, int size, List<BtfType.EnumValue> declared) {
        static EnumType of(Enumerators e) {
            return new EnumType(e.cName(), e.size(), e.declared());
        }

        /** Values compare in the enum's width, where a signed field's negative value meets its unsigned enumerator. */
        long mask() {
            return size >= 8 ? -1L : (1L << (8 * size)) - 1;
        }
    }

    private void enumeration(EnumType e, String name, String indent) {
        String in = indent + "    ";
        line(indent, "");
        line(indent, "/** " + code(e.cName().isEmpty() ? "enum" : "enum " + e.cName())
                + ": its enumerators, and their names by value. */");
        line(indent, "public static final class " + name + " {");
        JavaNames constants = new JavaNames("name");
        for (BtfType.EnumValue v : e.declared()) {
            String constant = constants.claim(JavaNames.constant(v.name()));
            line(in, "public static final long " + constant + " = " + v.value() + "L;");
        }
        line(in, "");
        line(in, "private " + name + "() {");
        line(in, "}");
        line(in, "");
        line(in, "/** The name C gives {@code value}, or the number if none does. */");
        line(in, "public static String name(long value) {");
        String body = in + "    ";
        line(body, "long v = value & " + e.mask() + "L;");
        Set<Long> seen = new HashSet<>();
        for (BtfType.EnumValue v : e.declared()) {
            if (seen.add(v.value() & e.mask())) {
                line(body, "if (v == " + (v.value() & e.mask()) + "L) {");
                line(body + "    ", "return " + literal(v.name()) + ";");
                line(body, "}");
            }
        }
        line(body, "return Long.toString(value);");
        line(in, "}");
        line(indent, "}");
    }

    // ---- types and expressions

    /** The Java type of a value of {@code shape}. */
    private String type(Shape shape) {
        return switch (shape) {
            case Shape.Scalar sc -> switch (sc.kind()) {
                case INT, ENUM -> integerType(sc);
                case BOOL -> "boolean";
                case FLOAT -> sc.size() <= 4 ? "float" : "double";
                case POINTER -> "long";
            };
            case Shape.Text t -> "String";
            case Shape.Struct s -> records.get(s);
            case Shape.Array a -> type(a.element()) + "[]";
        };
    }

    private static String integerType(Shape.Scalar sc) {
        if (sc.bitfield()) {
            return sc.bits() <= (sc.signed() ? 32 : 31) ? "int" : "long";
        }
        return switch (sc.size()) {
            case 1 -> sc.signed() ? "byte" : "int";
            case 2 -> sc.signed() ? "short" : "int";
            case 4 -> sc.signed() ? "int" : "long";
            case 8 -> "long";
            default -> "BigInteger";
        };
    }

    /** A Java expression reading a value of {@code shape} at offset expression {@code o} of segment {@code s}. */
    private String expr(Shape shape, String o) {
        return switch (shape) {
            case Shape.Scalar sc -> scalar(sc, o);
            case Shape.Text t -> helper("string") + "(s, " + o + ", "
                    + (t.flexible() ? "end - (" + o + ")" : String.valueOf(t.length())) + ")";
            case Shape.Struct s -> records.get(s) + ".read(s, " + o + ", end)";
            case Shape.Array a -> {
                String count = a.flexible()
                        ? helper("count") + "(end - (" + o + "), " + a.stride() + ")"
                        : String.valueOf(a.count());
                yield arrayMethod(a) + "(s, " + o + ", end, " + count + ")";
            }
        };
    }

    private String scalar(Shape.Scalar sc, String o) {
        if (sc.bitfield()) {
            String read = helper("bits") + "(s, " + o + ", " + sc.size() + ", " + sc.shift() + ", " + sc.bits() + ", "
                    + sc.signed() + ")";
            return switch (sc.kind()) {
                case BOOL -> read + " != 0";
                default -> integerType(sc).equals("int") ? "(int) " + read : read;
            };
        }
        return switch (sc.kind()) {
            case INT, ENUM -> switch (sc.size()) {
                case 1 -> sc.signed() ? "s.get(ValueLayout.JAVA_BYTE, " + o + ")"
                        : "Byte.toUnsignedInt(s.get(ValueLayout.JAVA_BYTE, " + o + "))";
                case 2 -> sc.signed() ? "s.get(" + layout("S16") + ", " + o + ")"
                        : "Short.toUnsignedInt(s.get(" + layout("S16") + ", " + o + "))";
                case 4 -> sc.signed() ? "s.get(" + layout("S32") + ", " + o + ")"
                        : "Integer.toUnsignedLong(s.get(" + layout("S32") + ", " + o + "))";
                case 8 -> "s.get(" + layout("S64") + ", " + o + ")";
                default -> helper("int128") + "(s, " + o + ", " + sc.signed() + ")";
            };
            case BOOL -> switch (sc.size()) {
                case 1 -> "s.get(ValueLayout.JAVA_BYTE, " + o + ") != 0";
                case 2 -> "s.get(" + layout("S16") + ", " + o + ") != 0";
                case 4 -> "s.get(" + layout("S32") + ", " + o + ") != 0";
                case 8 -> "s.get(" + layout("S64") + ", " + o + ") != 0";
                default -> helper("int128") + "(s, " + o + ", false).signum() != 0";
            };
            case FLOAT -> switch (sc.size()) {
                case 2 -> "Float.float16ToFloat(s.get(" + layout("S16") + ", " + o + "))";
                case 4 -> "s.get(" + layout("F32") + ", " + o + ")";
                case 8 -> "s.get(" + layout("F64") + ", " + o + ")";
                default -> helper("extended") + "(s, " + o + ")";
            };
            case POINTER -> sc.size() == 8 ? "s.get(" + layout("S64") + ", " + o + ")"
                    : "Integer.toUnsignedLong(s.get(" + layout("S32") + ", " + o + "))";
        };
    }

    /** The name of the helper method that decodes arrays of this shape, written once for all that share it. */
    private String arrayMethod(Shape.Array a) {
        String name = arrays.get(a);
        if (name == null) {
            name = "array" + arrays.size();
            arrays.put(a, name);
            expr(a.element(), "at"); // names the element's helpers first
        }
        return className + "." + name;
    }

    private String offset(String base, int offset) {
        return offset == 0 ? base : base + " + " + offset;
    }

    private String helper(String name) {
        helpers.add(name);
        if (name.equals("int128") || name.equals("extended")) {
            helpers.add("S64");
            helpers.add("S16");
        }
        return className + "." + name;
    }

    private String layout(String name) {
        helpers.add(name);
        return className + "." + name;
    }

    /** The private helpers the code above calls, at the end of the top-level record. */
    private String helpers() {
        List<String> chunks = new ArrayList<>();
        // Array helpers first: writing them may call for more helpers.
        for (int i = 0; i < arrays.size(); i++) {
            Map.Entry<Shape.Array, String> e = new ArrayList<>(arrays.entrySet()).get(i);
            chunks.add(arrayHelper(e.getKey(), e.getValue()));
        }
        StringBuilder layouts = new StringBuilder();
        for (String[] l : new String[][] {{"S16", "Short", "SHORT"}, {"S32", "Int", "INT"}, {"S64", "Long", "LONG"},
                {"F32", "Float", "FLOAT"}, {"F64", "Double", "DOUBLE"}}) {
            if (uses(l[0])) {
                layouts.append("private static final ValueLayout.Of").append(l[1]).append(' ').append(l[0])
                        .append(" = ValueLayout.JAVA_").append(l[2])
                        .append("_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);\n");
            }
        }
        if (!layouts.isEmpty()) {
            chunks.addFirst(layouts.toString());
        }
        for (String h : List.of("full", "string", "count", "bits", "int128", "extended")) {
            if (uses(h)) {
                chunks.add(HELPERS.get(h));
            }
        }
        StringBuilder code = new StringBuilder();
        for (String chunk : chunks) {
            code.append('\n');
            chunk.lines().forEach(l -> code.append(l.isEmpty() ? "" : "    " + l).append('\n'));
        }
        return code.toString();
    }

    private String arrayHelper(Shape.Array a, String name) {
        String element = type(a.element());
        String array = element.contains("[") ? element.replaceFirst("\\[", "[count][") : element + "[count]";
        String at = "at + " + (a.stride() == 1 ? "" : a.stride() + "L * ") + "i";
        return "private static " + element + "[] " + name + "(MemorySegment s, long at, long end, int count) {\n"
                + "    " + element + "[] a = new " + array + ";\n"
                + "    for (int i = 0; i < count; i++) {\n"
                + "        a[i] = " + expr(a.element(), at) + ";\n"
                + "    }\n"
                + "    return a;\n"
                + "}\n";
    }

    /** The helpers' code, as the generated source has it. */
    private static final Map<String, String> HELPERS = Map.of(
            "full", """
                    /** The record, or a zero-filled copy of it as long as the struct if it is shorter. */
                    private static MemorySegment full(MemorySegment record, long size) {
                        if (record.byteSize() >= size) {
                            return record;
                        }
                        MemorySegment copy = MemorySegment.ofArray(new byte[(int) size]);
                        MemorySegment.copy(record, 0, copy, 0, record.byteSize());
                        return copy;
                    }
                    """,
            "string", """
                    /** A char array as a string: up to its first NUL, UTF-8. */
                    private static String string(MemorySegment s, long at, long max) {
                        int n = 0;
                        while (n < max && s.get(ValueLayout.JAVA_BYTE, at + n) != 0) {
                            n++;
                        }
                        return new String(s.asSlice(at, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
                    }
                    """,
            "count", """
                    /** Elements of {@code stride} bytes that {@code room} bytes hold whole. */
                    private static int count(long room, long stride) {
                        return room <= 0 || stride == 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, room / stride);
                    }
                    """,
            "bits", """
                    /** A bitfield of {@code bits} bits, {@code shift} bits into the first of its {@code span} bytes. */
                    private static long bits(MemorySegment s, long at, int span, int shift, int bits, boolean signed) {
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
                    """,
            "int128", """
                    /** A 128-bit integer, little-endian. */
                    private static BigInteger int128(MemorySegment s, long at, boolean signed) {
                        long lo = s.get(S64, at);
                        long hi = s.get(S64, at + 8);
                        BigInteger v = BigInteger.valueOf(hi).shiftLeft(64)
                                .or(new BigInteger(Long.toUnsignedString(lo)));
                        return signed || hi >= 0 ? v : v.add(BigInteger.ONE.shiftLeft(128));
                    }
                    """,
            "extended", """
                    /** An x87 80-bit float: 64-bit significand with its integer bit, then sign and 15-bit exponent. */
                    private static double extended(MemorySegment s, long at) {
                        long significand = s.get(S64, at);
                        int signExponent = s.get(S16, at + 8) & 0xffff;
                        int exponent = signExponent & 0x7fff;
                        double sign = (signExponent & 0x8000) != 0 ? -1 : 1;
                        if (exponent == 0x7fff) {
                            return (significand << 1) == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
                        }
                        double magnitude = (significand >>> 11) * 0x1p11 + (significand & 0x7ff);
                        return sign * Math.scalb(magnitude, Math.max(exponent, 1) - 16383 - 63);
                    }
                    """);

    // ---- text

    private void line(String indent, String text) {
        out.append(text.isEmpty() ? "" : indent + text).append('\n');
    }

    /** Text from the type table in a comment, HTML-escaped and harmless to the Java lexer. */
    private static String html(String text) {
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '@' -> b.append("&#64;");
                case '\t' -> b.append("    ");
                case '\\' -> b.append("&#92;");
                case '/' -> b.append(b.isEmpty() || b.charAt(b.length() - 1) != '*' ? "/" : "&#47;");
                default -> b.append(c < 0x20 ? ' ' : c);
            }
        }
        return b.toString();
    }

    private static String code(String text) {
        return "<code>" + html(text) + "</code>";
    }

    /** A Java string literal. */
    private static String literal(String text) {
        return "\"" + literalBody(text) + "\"";
    }

    private static String literalBody(String text) {
        StringBuilder b = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\%03o", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
