package io.bpfring.elf;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One section of the object: its header fields and its bytes.
 *
 * @param index    the section's index in the section header table
 * @param name     its name from the section name string table
 * @param type     {@code sh_type}, one of the {@code SHT_} constants or another value
 * @param flags    {@code sh_flags}, {@code SHF_} bits
 * @param offset   where its bytes start in the file
 * @param size     {@code sh_size}; for {@code SHT_NOBITS} the size in memory, with no bytes in the file
 * @param link     {@code sh_link}: the string table of a symbol table, the symbol table of a relocation section
 * @param info     {@code sh_info}: the section a relocation section applies to
 * @param align    {@code sh_addralign}
 * @param entrySize {@code sh_entsize}, the size of one entry of a table section
 * @param data     the section's bytes, a read-only view of the file; empty for {@code SHT_NOBITS}
 */
public record Section(int index, String name, int type, long flags, long offset, long size, int link, int info,
                      long align, long entrySize, MemorySegment data) {
    public static final int SHT_NULL = 0;
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_RELA = 4;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_REL = 9;
    public static final int SHT_SYMTAB_SHNDX = 18;
    /** clang's address-significance table, which a BPF loader ignores. */
    public static final int SHT_LLVM_ADDRSIG = 0x6fff4c03;

    public static final long SHF_WRITE = 1;
    public static final long SHF_ALLOC = 2;
    public static final long SHF_EXECINSTR = 4;

    /** Program code: BPF instructions. */
    public boolean isExecutable() {
        return type == SHT_PROGBITS && (flags & SHF_EXECINSTR) != 0;
    }

    public boolean isWritable() {
        return (flags & SHF_WRITE) != 0;
    }

    /** Takes room in memory but none in the file ({@code .bss}). */
    public boolean isNoBits() {
        return type == SHT_NOBITS;
    }

    /** The bytes as a little-endian, read-only buffer. */
    public ByteBuffer buffer() {
        return data.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public String toString() {
        return "section " + index + " '" + name + "'";
    }
}
