package io.bpfring.dwarf;

/** DWARF that is truncated, corrupt, or uses what this reader does not read. */
public class DwarfException extends RuntimeException {
    public DwarfException(String message) {
        super(message);
    }
}
