package io.bpfring.dwarf;

import io.bpfring.ElfException;

/** DWARF that is truncated, corrupt, or uses what this reader does not read: an ELF section that cannot be read. */
public class DwarfException extends ElfException {
    public DwarfException(String message) {
        super(message);
    }
}
