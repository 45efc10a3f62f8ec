package io.bpfring.btf;

/**
 * What a CO-RE relocation asks for ({@code enum bpf_core_relo_kind}); {@link #ordinal()} is the
 * number in {@code struct bpf_core_relo}.
 */
public enum CoreReloKind {
    FIELD_BYTE_OFFSET("byte_off"),
    FIELD_BYTE_SIZE("byte_sz"),
    FIELD_EXISTS("field_exists"),
    FIELD_SIGNED("signed"),
    FIELD_LSHIFT_U64("lshift_u64"),
    FIELD_RSHIFT_U64("rshift_u64"),
    TYPE_ID_LOCAL("local_type_id"),
    TYPE_ID_TARGET("target_type_id"),
    TYPE_EXISTS("type_exists"),
    TYPE_SIZE("type_size"),
    ENUMVAL_EXISTS("enumval_exists"),
    ENUMVAL_VALUE("enumval_value"),
    TYPE_MATCHES("type_matches");

    private static final CoreReloKind[] ALL = values();

    private final String label;

    CoreReloKind(String label) {
        this.label = label;
    }

    /** The kind numbered {@code kind}, or null for a number this reader does not know. */
    public static CoreReloKind of(int kind) {
        return kind >= 0 && kind < ALL.length ? ALL[kind] : null;
    }

    /** The name libbpf prints for the kind, e.g. {@code byte_off}. */
    public String label() {
        return label;
    }

    /** Kinds that follow an access string into a struct, union or array member. */
    public boolean isFieldBased() {
        return ordinal() <= FIELD_RSHIFT_U64.ordinal();
    }

    /** Kinds about a whole type; their access string is "0". */
    public boolean isTypeBased() {
        return this == TYPE_ID_LOCAL || this == TYPE_ID_TARGET || this == TYPE_EXISTS || this == TYPE_SIZE
                || this == TYPE_MATCHES;
    }

    /** Kinds about one enumerator, the access string's only index. */
    public boolean isEnumValueBased() {
        return this == ENUMVAL_EXISTS || this == ENUMVAL_VALUE;
    }

    /** Kinds that answer 0 rather than poison the instruction when the target lacks the thing. */
    public boolean isExistence() {
        return this == FIELD_EXISTS || this == TYPE_EXISTS || this == ENUMVAL_EXISTS || this == TYPE_MATCHES;
    }
}
