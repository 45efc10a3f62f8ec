package io.bpfring.elf;

/**
 * The BPF relocation types (LLVM's {@code ELFRelocs/BPF.def}), with how many bytes at
 * {@code r_offset} each one patches: a relocation whose bytes run past its section is corrupt.
 */
public enum RelocationType {
    /** Nothing to do. */
    R_BPF_NONE(0, 0),
    /** The 64-bit immediate of an {@code ld_imm64} (two instruction slots): maps and globals. */
    R_BPF_64_64(1, 16),
    /** A 64-bit address in data: function and map pointers in {@code .maps}, DWARF. */
    R_BPF_64_ABS64(2, 8),
    /** A 32-bit address in data, DWARF. */
    R_BPF_64_ABS32(3, 4),
    /** A 32-bit value in {@code .BTF} / {@code .BTF.ext}: nothing to do for a loader. */
    R_BPF_64_NODYLD32(4, 4),
    /** The 32-bit immediate of a call instruction: a call to a BPF function. */
    R_BPF_64_32(10, 8);

    private final int code;
    private final int width;

    RelocationType(int code, int width) {
        this.code = code;
        this.width = width;
    }

    /** The value in {@code ELF64_R_TYPE(r_info)}. */
    public int code() {
        return code;
    }

    /** How many bytes from {@code r_offset} the relocated item takes. */
    public int width() {
        return width;
    }

    /** The type with this code, or null for a code BPF does not define. */
    public static RelocationType of(long code) {
        for (RelocationType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
