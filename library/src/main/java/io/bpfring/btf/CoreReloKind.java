package io.bpfring.btf;

/**
 * What a CO-RE relocation asks for ({@code enum bpf_core_relo_kind}); {@link #ordinal()} is the
 * number in {@code struct bpf_core_relo}.
 */
public enum CoreReloKind {
    FIELD_BYTE_OFFSET,
    FIELD_BYTE_SIZE,
    FIELD_EXISTS,
    FIELD_SIGNED,
    FIELD_LSHIFT_U64,
    FIELD_RSHIFT_U64,
    TYPE_ID_LOCAL,
    TYPE_ID_TARGET,
    TYPE_EXISTS,
    TYPE_SIZE,
    ENUMVAL_EXISTS,
    ENUMVAL_VALUE,
    TYPE_MATCHES;

    private static final CoreReloKind[] ALL = values();

    /** The kind numbered {@code kind}, or null for a number this reader does not know. */
    public static CoreReloKind of(int kind) {
        return kind >= 0 && kind < ALL.length ? ALL[kind] : null;
    }
}
