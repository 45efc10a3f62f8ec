package io.bpfring.btf;

import io.bpfring.BtfException;

import java.util.List;

/**
 * Writes types as C: declarators ({@code char comm[16]}, {@code int (*fn)(void *ctx)}) built
 * inside out from the type chain, and definitions of structs, unions and enums with anonymous
 * inner types inline, as {@code bpftool btf dump format c} writes them. Every walk is bounded,
 * so a cyclic or absurdly deep chain is an exception, not a stack overflow.
 */
final class CDecl {
    /** Deeper nesting of function types and anonymous bodies than real C ever has. */
    private static final int MAX_DEPTH = 64;
    private static final int CONST = 1;
    private static final int VOLATILE = 2;
    private static final int RESTRICT = 4;

    private final Btf btf;

    CDecl(Btf btf) {
        this.btf = btf;
    }

    String declaration(int id, String name) {
        return declare(id, name, 0, -1);
    }

    String definition(int id) {
        return switch (btf.type(id)) {
            case BtfType.Composite c -> keyword(c) + named(c.name()) + " " + body(id, 0, 0) + ";";
            case BtfType.Enumeration e -> "enum" + named(e.name()) + " " + body(id, 0, 0) + ";";
            case BtfType.Fwd f -> (f.union() ? "union " : "struct ") + f.name() + ";";
            case BtfType.Typedef t -> "typedef " + declare(t.type(), t.name(), 0, 0) + ";";
            case BtfType.Func f -> linkage(f.linkage()) + declare(f.type(), f.name(), 0, -1) + ";";
            case BtfType.Var v -> linkage(v.linkage()) + declare(v.type(), v.name(), 0, 0) + ";";
            case BtfType.Datasec d -> {
                StringBuilder out = new StringBuilder();
                for (BtfType.VarSecinfo v : d.vars()) {
                    out.append(declare(v.type(), btf.name(v.type()), 0, 0))
                            .append(" SEC(\"").append(d.name()).append("\");\n");
                }
                yield out.toString().stripTrailing();
            }
            default -> declare(id, "", 0, -1);
        };
    }

    private static String named(String name) {
        return name.isEmpty() ? "" : " " + name;
    }

    private static String linkage(BtfType.Linkage linkage) {
        return switch (linkage) {
            case STATIC -> "static ";
            case GLOBAL -> "";
            case EXTERN -> "extern ";
        };
    }

    /**
     * Declares {@code name} with type {@code id}; {@code indent} >= 0 writes anonymous structs,
     * unions and enums out inline at that indentation, -1 abbreviates them.
     */
    private String declare(int id, String name, int depth, int indent) {
        if (depth > MAX_DEPTH) {
            throw new BtfException("type id " + id + ": nested more than " + MAX_DEPTH + " deep, a cycle?");
        }
        StringBuilder decl = new StringBuilder(name);
        int qualifiers = 0;
        int t = id;
        for (int steps = 0; ; steps++) {
            if (steps > btf.typeCount()) {
                throw btf.cycle(id);
            }
            switch (btf.kind(t)) {
                case CONST -> qualifiers |= CONST;
                case VOLATILE -> qualifiers |= VOLATILE;
                case RESTRICT -> qualifiers |= RESTRICT;
                case TYPE_TAG, DECL_TAG, VAR, FUNC -> {
                    // Not part of a C type: declare what they refer to.
                }
                case PTR -> {
                    String q = qualifiers(qualifiers).strip();
                    decl.insert(0, q.isEmpty() ? "*" : decl.isEmpty() ? "*" + q : "*" + q + " ");
                    qualifiers = 0;
                }
                case ARRAY -> {
                    parenthesise(decl);
                    decl.append('[').append(Integer.toUnsignedString(btf.word(t, 20))).append(']');
                    t = btf.word(t, 12);
                    continue;
                }
                case FUNC_PROTO -> {
                    parenthesise(decl);
                    decl.append('(').append(parameters((BtfType.FuncProto) btf.type(t), depth)).append(')');
                }
                default -> {
                    StringBuilder out = new StringBuilder(qualifiers(qualifiers)).append(base(t, depth, indent));
                    if (!decl.isEmpty()) {
                        if (decl.charAt(0) != '[') {
                            out.append(' ');
                        }
                        out.append(decl);
                    }
                    return out.toString();
                }
            }
            t = btf.target(t);
        }
    }

    /** Qualifiers in one order whatever the order of the chain: C gives the order no meaning. */
    private static String qualifiers(int set) {
        return ((set & CONST) != 0 ? "const " : "") + ((set & VOLATILE) != 0 ? "volatile " : "")
                + ((set & RESTRICT) != 0 ? "restrict " : "");
    }

    /** A pointer declarator gets parentheses before an array or function suffix binds to it. */
    private static void parenthesise(StringBuilder decl) {
        if (!decl.isEmpty() && decl.charAt(0) == '*') {
            decl.insert(0, '(').append(')');
        }
    }

    private String parameters(BtfType.FuncProto proto, int depth) {
        List<BtfType.Param> params = proto.params();
        if (params.isEmpty()) {
            return "void";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < params.size(); i++) {
            BtfType.Param p = params.get(i);
            if (i > 0) {
                out.append(", ");
            }
            out.append(p.type() == 0 && i == params.size() - 1 ? "..." : declare(p.type(), p.name(), depth + 1, -1));
        }
        return out.toString();
    }

    /** What a declarator applies to: a named type, or an anonymous body. */
    private String base(int id, int depth, int indent) {
        return switch (btf.kind(id)) {
            case STRUCT, UNION, ENUM, ENUM64 -> {
                String keyword = switch (btf.kind(id)) {
                    case STRUCT -> "struct";
                    case UNION -> "union";
                    default -> "enum";
                };
                String name = btf.name(id);
                if (!name.isEmpty()) {
                    yield keyword + " " + name;
                }
                yield keyword + " " + (indent < 0 ? "{...}" : body(id, depth + 1, indent));
            }
            case FWD -> ((BtfType.Fwd) btf.type(id)).union() ? "union " + btf.name(id) : "struct " + btf.name(id);
            case DATASEC -> "SEC(\"" + btf.name(id) + "\")";
            default -> btf.name(id); // void, INT, FLOAT, TYPEDEF
        };
    }

    /** The braces of a struct, union or enum definition, members indented one tab more than {@code indent}. */
    private String body(int id, int depth, int indent) {
        if (depth > MAX_DEPTH) {
            throw new BtfException("type id " + id + ": nested more than " + MAX_DEPTH + " deep, a cycle?");
        }
        String inner = "\t".repeat(indent + 1);
        StringBuilder out = new StringBuilder("{\n");
        switch (btf.type(id)) {
            case BtfType.Composite c -> {
                for (BtfType.Member m : c.members()) {
                    out.append(inner).append(declare(m.type(), m.name(), depth + 1, indent + 1));
                    if (m.bitfieldSize() != 0) {
                        out.append(": ").append(m.bitfieldSize());
                    }
                    out.append(";\n");
                }
            }
            case BtfType.Enumeration e -> {
                for (BtfType.EnumValue v : e.values()) {
                    String value = e.signed() || e.kind() == BtfKind.ENUM ? Long.toString(v.value())
                            : Long.toUnsignedString(v.value());
                    out.append(inner).append(v.name()).append(" = ").append(value).append(",\n");
                }
            }
            default -> throw new IllegalStateException("no body for type id " + id);
        }
        return out.append("\t".repeat(indent)).append('}').toString();
    }

    private static String keyword(BtfType.Composite c) {
        return c instanceof BtfType.Union ? "union" : "struct";
    }
}
