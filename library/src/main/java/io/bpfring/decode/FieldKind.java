package io.bpfring.decode;

/** What a field holds, and so which {@link FieldAccessor} getters read it. */
public enum FieldKind {
    /** An integer of 1 to 16 bytes, or a bitfield: {@code getLong}, {@code getBigInteger}. */
    INTEGER,
    /** {@code bool}: {@code getBoolean}. */
    BOOLEAN,
    /** An enum: {@code getLong} for its value, {@code getString} for its name. */
    ENUM,
    /** A float of 2 to 16 bytes: {@code getDouble}. */
    FLOAT,
    /** A pointer: {@code getLong} for the address. */
    POINTER,
    /** A char array: {@code getString}. */
    STRING,
    /** A nested struct or union: {@code field(name)}. */
    STRUCT,
    /** An array: {@code element(i)}. */
    ARRAY
}
