package io.bpfring.elf;

/**
 * One {@code Elf64_Rel} entry: patch the item at {@code offset} of the target section with the
 * address of {@code symbol}. BPF objects use {@code SHT_REL} (no explicit addend): what is at the
 * offset already is the addend.
 *
 * @param offset {@code r_offset}, a byte offset in the section the relocation section applies to
 * @param type   {@code ELF64_R_TYPE(r_info)}
 * @param symbol the symbol {@code ELF64_R_SYM(r_info)} names
 */
public record Relocation(long offset, RelocationType type, Symbol symbol) {
}
