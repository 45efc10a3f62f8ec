package io.bpfring.btf;

/** The BTF kinds of {@code include/uapi/linux/btf.h}; {@link #ordinal()} is the kind's number. */
public enum BtfKind {
    /** {@code BTF_KIND_UNKN}: only type id 0, void, has it. */
    VOID,
    INT,
    PTR,
    ARRAY,
    STRUCT,
    UNION,
    /** Values up to 32 bits. */
    ENUM,
    FWD,
    TYPEDEF,
    VOLATILE,
    CONST,
    RESTRICT,
    FUNC,
    FUNC_PROTO,
    VAR,
    DATASEC,
    FLOAT,
    DECL_TAG,
    TYPE_TAG,
    /** Values up to 64 bits. */
    ENUM64;

    private static final BtfKind[] ALL = values();

    /** The kind numbered {@code kind}, or null for a number this reader does not know. */
    public static BtfKind of(int kind) {
        return kind >= 0 && kind < ALL.length ? ALL[kind] : null;
    }

    /** CONST, VOLATILE, RESTRICT and TYPE_TAG: they change how a type is used, not its layout. */
    public boolean isQualifier() {
        return this == CONST || this == VOLATILE || this == RESTRICT || this == TYPE_TAG;
    }
}
