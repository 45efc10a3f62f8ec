package io.bpfring;

/**
 * The file is not a BPF ELF object this reader understands, or is truncated or corrupt.
 * Subclasses say more of what is read from it: {@link io.bpfring.object.ObjectException} for an
 * object that cannot be opened or loaded, {@link io.bpfring.dwarf.DwarfException} for its DWARF.
 */
public non-sealed class ElfException extends BpfException {
    public ElfException(String message) {
        super(message);
    }

    public ElfException(String message, Throwable cause) {
        super(message, cause);
    }
}
