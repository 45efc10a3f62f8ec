package io.bpfring.asm;

/**
 * A map that instructions refer to: its fd goes into the instruction when the program is
 * encoded for loading. {@link io.bpfring.bpf.BpfMap} is one; the assembler needs nothing else of
 * a map, so it does not depend on where maps come from.
 */
@FunctionalInterface
public interface MapFd {
    /** The map's fd, as the kernel knows it now. */
    int fd();
}
