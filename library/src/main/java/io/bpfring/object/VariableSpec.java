package io.bpfring.object;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A global variable of a data section ({@code .rodata}, {@code .data}, {@code .bss} and their
 * named variants): where it lies in its internal map and its BTF type. Setting it before load
 * changes the map's initial contents, the usual way to configure a program through
 * {@code const volatile} globals. Values are little-endian, checked against the type: integers
 * must fit, enums take their enumerators, char arrays a string that leaves room for its NUL.
 */
public final class VariableSpec {
    private final String name;
    private final MapSpec map;
    private final int offset;
    private final int size;
    private final int typeId;
    private final Btf btf;

    VariableSpec(String name, MapSpec map, int offset, int size, int typeId, Btf btf) {
        this.name = name;
        this.map = map;
        this.offset = offset;
        this.size = size;
        this.typeId = typeId;
        this.btf = btf;
    }

    public String name() {
        return name;
    }

    /** The internal map that holds it. */
    public MapSpec map() {
        return map;
    }

    /** The section it lies in, e.g. {@code .rodata}. */
    public String section() {
        return map.section();
    }

    /** Its byte offset in the section. */
    public int offset() {
        return offset;
    }

    public int size() {
        return size;
    }

    /** Its type's id in the object's BTF. */
    public int typeId() {
        return typeId;
    }

    /** Its type as C writes it, e.g. {@code const volatile int}. */
    public String typeName() {
        return btf.typeName(typeId);
    }

    /** Whether programs only read it (a {@code .rodata} variable: {@code const volatile}). */
    public boolean isReadOnly() {
        return map.kind().readOnly();
    }

    /** Its current value's bytes. */
    public byte[] bytes() {
        return Arrays.copyOfRange(map.data(), offset, offset + size);
    }

    /** Sets its bytes; {@code value} must be exactly {@link #size()} long. */
    public void setBytes(byte[] value) {
        if (value.length != size) {
            throw new IllegalArgumentException(this + " takes " + size + " bytes, got " + value.length);
        }
        System.arraycopy(value, 0, map.data(), offset, size);
    }

    /** Sets an integer, bool or enum variable to {@code value}, which must fit its size and sign. */
    public void setLong(long value) {
        BtfType t = resolved();
        boolean signed = switch (t) {
            case BtfType.Int i -> i.isSigned();
            case BtfType.Enumeration e -> e.signed();
            default -> throw notA("an integer, bool or enum");
        };
        if ((t instanceof BtfType.Int i) && (i.encoding() & BtfType.Int.BOOL) != 0 && (value & ~1L) != 0) {
            throw new IllegalArgumentException(this + " is a bool: " + value + " is neither 0 nor 1");
        }
        if (size < 8 && !fits(value, size * 8, signed)) {
            throw new IllegalArgumentException(this + " (" + size + " bytes, " + (signed ? "signed" : "unsigned")
                    + ") cannot hold " + value);
        }
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
        setBytes(Arrays.copyOf(b.array(), size));
    }

    public void setBoolean(boolean value) {
        setLong(value ? 1 : 0);
    }

    /** Sets an enum variable to the enumerator named {@code enumerator}. */
    public void setEnum(String enumerator) {
        if (!(resolved() instanceof BtfType.Enumeration e)) {
            throw notA("an enum");
        }
        setLong(e.values().stream().filter(v -> v.name().equals(enumerator)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(this + " has no enumerator " + enumerator + "; it has "
                        + e.values().stream().map(BtfType.EnumValue::name).toList()))
                .value());
    }

    /** Sets a char array to {@code value} and a NUL, zero-filling the rest. */
    public void setString(String value) {
        if (!isCharArray()) {
            throw notA("a char array");
        }
        byte[] encoded = value.getBytes(StandardCharsets.UTF_8);
        if (encoded.length >= size) {
            throw new IllegalArgumentException(this + " holds " + (size - 1) + " bytes and a NUL; '" + value
                    + "' takes " + encoded.length);
        }
        setBytes(Arrays.copyOf(encoded, size));
    }

    /**
     * Sets the variable from text, as a command line gives it: {@code true}/{@code false} for a
     * bool, a decimal or {@code 0x} number for an integer, an enumerator or number for an enum,
     * the string itself for a char array.
     */
    public void set(String text) {
        BtfType t = resolved();
        if (t instanceof BtfType.Int i && (i.encoding() & BtfType.Int.BOOL) != 0) {
            switch (text) {
                case "true", "1" -> setBoolean(true);
                case "false", "0" -> setBoolean(false);
                default -> throw new IllegalArgumentException(this + " is a bool: '" + text + "' is not true or false");
            }
        } else if (t instanceof BtfType.Int) {
            setLong(parse(text));
        } else if (t instanceof BtfType.Enumeration e) {
            if (e.values().stream().anyMatch(v -> v.name().equals(text))) {
                setEnum(text);
            } else {
                setLong(parse(text));
            }
        } else if (isCharArray()) {
            setString(text);
        } else {
            throw notA("an integer, bool, enum or char array; set its bytes instead");
        }
    }

    /** The value of an integer, bool or enum variable, sign-extended as its type says. */
    public long getLong() {
        BtfType t = resolved();
        boolean signed = switch (t) {
            case BtfType.Int i -> i.isSigned();
            case BtfType.Enumeration e -> e.signed();
            default -> throw notA("an integer, bool or enum");
        };
        long v = ByteBuffer.wrap(Arrays.copyOf(bytes(), 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        int bits = size * 8;
        return bits >= 64 ? v : signed ? v << (64 - bits) >> (64 - bits) : v;
    }

    public boolean getBoolean() {
        return getLong() != 0;
    }

    /** The string a char array holds, up to its first NUL. */
    public String getString() {
        if (!isCharArray()) {
            throw notA("a char array");
        }
        byte[] b = bytes();
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    /** The value as {@link #set(String)} takes it, or hex bytes for other types. */
    public String value() {
        BtfType t = resolved();
        if (t instanceof BtfType.Int i && (i.encoding() & BtfType.Int.BOOL) != 0) {
            return Boolean.toString(getBoolean());
        }
        if (t instanceof BtfType.Int) {
            return Long.toString(getLong());
        }
        if (t instanceof BtfType.Enumeration e) {
            long v = getLong();
            return e.values().stream().filter(x -> x.value() == v || (int) x.value() == (int) v)
                    .map(BtfType.EnumValue::name).findFirst().orElse(Long.toString(v));
        }
        if (isCharArray()) {
            return getString();
        }
        return java.util.HexFormat.of().formatHex(bytes());
    }

    private BtfType resolved() {
        return btf.type(btf.resolve(typeId));
    }

    private boolean isCharArray() {
        return resolved() instanceof BtfType.Array a && btf.type(btf.resolve(a.type())) instanceof BtfType.Int i
                && i.size() == 1;
    }

    private static boolean fits(long value, int bits, boolean signed) {
        return signed ? value >= -(1L << (bits - 1)) && value < (1L << (bits - 1))
                : value >= 0 && value < (1L << bits);
    }

    private long parse(String text) {
        String t = text.strip();
        boolean negative = t.startsWith("-");
        String digits = negative ? t.substring(1) : t;
        try {
            long v = digits.startsWith("0x") || digits.startsWith("0X")
                    ? Long.parseUnsignedLong(digits.substring(2), 16) : Long.parseUnsignedLong(digits);
            return negative ? -v : v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(this + ": '" + text + "' is not a number");
        }
    }

    private IllegalArgumentException notA(String what) {
        return new IllegalArgumentException(this + " is not " + what);
    }

    @Override
    public String toString() {
        return "variable '" + name + "' (" + typeName() + ", " + section() + "+" + offset + ")";
    }
}
