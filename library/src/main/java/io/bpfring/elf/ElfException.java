package io.bpfring.elf;

/** The file is not a BPF ELF object this reader understands, or is truncated or corrupt. */
public class ElfException extends RuntimeException {
    public ElfException(String message) {
        super(message);
    }
}
