package io.bpfring.decode;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Java names for C names, unique within one scope: a C name that is a Java keyword, that a
 * record or its view already uses ({@code getClass}, {@code decode}, {@code SIZE}, ...), or that
 * is not a Java identifier at all gets a {@code _} added, or characters replaced, until it is
 * free.
 */
final class JavaNames {
    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
            "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
            "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "true", "false", "null", "_", "var", "yield", "record", "sealed", "permits");

    private final Set<String> used = new HashSet<>();

    /** A scope where {@code taken} are already used. */
    JavaNames(String... taken) {
        used.addAll(Set.of(taken));
    }

    /** A free name for {@code cName}, now taken. */
    String claim(String cName) {
        String name = identifier(cName);
        while (KEYWORDS.contains(name) || !used.add(name)) {
            name += "_";
        }
        return name;
    }

    /** Whether {@code name} is taken here. */
    boolean taken(String name) {
        return used.contains(name);
    }

    /** The name with anything a Java identifier cannot hold replaced by {@code _}, and one before a leading digit. */
    static String identifier(String name) {
        StringBuilder out = new StringBuilder();
        name.codePoints().forEach(c -> out.appendCodePoint(
                Character.isJavaIdentifierPart(c) && !Character.isIdentifierIgnorable(c) ? c : '_'));
        if (out.isEmpty() || !Character.isJavaIdentifierStart(out.codePointAt(0))) {
            out.insert(0, '_');
        }
        return out.toString();
    }

    /** A type name from a C name: {@code lc_header} is {@code LcHeader}. */
    static String type(String cName) {
        StringBuilder out = new StringBuilder();
        boolean upper = true;
        for (char c : identifier(cName).toCharArray()) {
            if (c == '_' || c == '$') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.isEmpty() ? "Value" : Character.isJavaIdentifierStart(out.charAt(0)) ? out.toString() : "T" + out;
    }

    /** An enumerator's constant: as C spells it, if Java can. */
    static String constant(String cName) {
        String name = identifier(cName);
        return KEYWORDS.contains(name) ? name.toUpperCase(Locale.ROOT) + "_" : name;
    }
}
