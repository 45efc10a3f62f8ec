package io.bpfring.sinks;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/**
 * The JSON that sinks need: writing a record's fields (RFC 8259, UTF-8) and reading a decoder's
 * JSON line back into fields. Numbers read back as {@link Long} when they fit, {@link BigInteger}
 * when they are integers that do not, {@link Double} otherwise; objects as ordered maps.
 */
public final class Json {
    /** Nesting deeper than this is refused rather than risking the stack on hostile input. */
    private static final int MAX_DEPTH = 64;

    private Json() {
    }

    /** The fields as one JSON object in UTF-8. */
    public static byte[] bytes(Map<String, ?> fields) {
        StringBuilder out = new StringBuilder(64 + 16 * fields.size());
        value(fields, out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Appends {@code value} as JSON; see {@link SinkRecord} for the types taken. */
    public static void value(Object value, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case String s -> string(s, out);
            case Boolean b -> out.append(b.booleanValue());
            case Double d -> number(d, out);
            case Float f -> number(f.doubleValue(), out);
            case Number n -> out.append(n); // Long, Integer, Short, Byte, BigInteger
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    string(String.valueOf(e.getKey()), out);
                    out.append(':');
                    value(e.getValue(), out);
                }
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    value(list.get(i), out);
                }
                out.append(']');
            }
            default -> string(value.toString(), out);
        }
    }

    /** Appends a JSON number, or {@code null} for NaN and infinities, which JSON cannot say. */
    private static void number(double d, StringBuilder out) {
        if (Double.isFinite(d)) {
            out.append(d);
        } else {
            out.append("null");
        }
    }

    /** Appends {@code s} as a JSON string literal. */
    public static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** The JSON text {@code s} as a string literal. */
    public static String string(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2);
        string(s, out);
        return out.toString();
    }

    /**
     * Reads one JSON object (UTF-8) into an unmodifiable ordered map.
     *
     * @throws IllegalArgumentException if it is not one JSON object, saying where
     */
    public static SequencedMap<String, Object> parseObject(byte[] json) {
        return parseObject(new String(json, StandardCharsets.UTF_8));
    }

    /** Reads one JSON object into an unmodifiable ordered map. */
    @SuppressWarnings("unchecked")
    public static SequencedMap<String, Object> parseObject(String json) {
        Object value = parse(json);
        if (!(value instanceof SequencedMap<?, ?> map)) {
            throw new IllegalArgumentException("JSON is not an object: " + abbreviate(json));
        }
        return (SequencedMap<String, Object>) map;
    }

    /** Reads one JSON value. */
    public static Object parse(String json) {
        Reader r = new Reader(json);
        r.space();
        Object value = r.value(0);
        r.space();
        if (r.pos != json.length()) {
            throw r.error("text after the value");
        }
        return value;
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    private static final class Reader {
        private final String s;
        private int pos;

        Reader(String s) {
            this.s = s;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nesting deeper than " + MAX_DEPTH);
            }
            if (pos >= s.length()) {
                throw error("end of text where a value was expected");
            }
            char c = s.charAt(pos);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> word("true", Boolean.TRUE);
                case 'f' -> word("false", Boolean.FALSE);
                case 'n' -> word("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("unexpected '" + c + "'");
                }
            };
        }

        private SequencedMap<String, Object> object(int depth) {
            pos++;
            LinkedHashMap<String, Object> map = new LinkedHashMap<>();
            space();
            if (peek() == '}') {
                pos++;
                return Collections.unmodifiableSequencedMap(map);
            }
            while (true) {
                space();
                if (peek() != '"') {
                    throw error("a field name was expected");
                }
                String name = string();
                space();
                expect(':');
                space();
                map.put(name, value(depth + 1));
                space();
                char c = next();
                if (c == '}') {
                    return Collections.unmodifiableSequencedMap(map);
                }
                if (c != ',') {
                    throw error("',' or '}' was expected");
                }
            }
        }

        private List<Object> array(int depth) {
            pos++;
            List<Object> list = new ArrayList<>();
            space();
            if (peek() == ']') {
                pos++;
                return Collections.unmodifiableList(list);
            }
            while (true) {
                space();
                list.add(value(depth + 1));
                space();
                char c = next();
                if (c == ']') {
                    return Collections.unmodifiableList(list);
                }
                if (c != ',') {
                    throw error("',' or ']' was expected");
                }
            }
        }

        private String string() {
            pos++;
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\') {
                    char e = next();
                    switch (e) {
                        case '"', '\\', '/' -> out.append(e);
                        case 'b' -> out.append('\b');
                        case 'f' -> out.append('\f');
                        case 'n' -> out.append('\n');
                        case 'r' -> out.append('\r');
                        case 't' -> out.append('\t');
                        case 'u' -> {
                            if (pos + 4 > s.length()) {
                                throw error("a \\u escape is cut short");
                            }
                            try {
                                out.append((char) Integer.parseInt(s, pos, pos + 4, 16));
                            } catch (NumberFormatException ex) {
                                throw error("a \\u escape that is not hex");
                            }
                            pos += 4;
                        }
                        default -> throw error("unknown escape \\" + e);
                    }
                } else if (c < 0x20) {
                    throw error("a control character inside a string");
                } else {
                    out.append(c);
                }
            }
        }

        private Object number() {
            int start = pos;
            boolean integral = true;
            if (peek() == '-') {
                pos++;
            }
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c >= '0' && c <= '9') {
                    pos++;
                } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                    integral = false;
                    pos++;
                } else {
                    break;
                }
            }
            String text = s.substring(start, pos);
            try {
                if (integral) {
                    if (text.length() < 19) {
                        return Long.parseLong(text);
                    }
                    BigInteger big = new BigInteger(text);
                    return big.bitLength() < 64 ? (Object) big.longValue() : big;
                }
                return Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw error("bad number " + text);
            }
        }

        private Object word(String word, Object value) {
            if (!s.startsWith(word, pos)) {
                throw error("unexpected '" + s.charAt(pos) + "'");
            }
            pos += word.length();
            return value;
        }

        void space() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        private char peek() {
            if (pos >= s.length()) {
                throw error("unexpected end of text");
            }
            return s.charAt(pos);
        }

        private char next() {
            char c = peek();
            pos++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) {
                throw error("'" + c + "' was expected");
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("bad JSON at character " + pos + ": " + what + " in " + abbreviate(s));
        }
    }
}
