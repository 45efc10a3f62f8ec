package io.bpfring.asm;

/**
 * The eBPF registers. R0 holds return values, R1-R5 helper arguments (clobbered by calls),
 * R6-R9 survive calls, R10 is the read-only frame pointer.
 */
public enum Reg {
    R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10;

    int number() {
        return ordinal();
    }
}
