package io.bpfring;

/** The file is not a BPF ELF object this reader understands, or is truncated or corrupt. */
public non-sealed class ElfException extends BpfException {
    public ElfException(String message) {
        super(message);
    }
}
