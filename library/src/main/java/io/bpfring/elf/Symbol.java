package io.bpfring.elf;

/**
 * One entry of the symbol table.
 *
 * @param index        its index in the symbol table, which relocations refer to
 * @param name         its name, empty for an unnamed symbol
 * @param type         {@code ELF64_ST_TYPE(st_info)}
 * @param binding      {@code ELF64_ST_BIND(st_info)}
 * @param visibility   {@code ELF64_ST_VISIBILITY(st_other)}; libbpf treats hidden functions and externs
 *                     as static
 * @param sectionIndex {@code st_shndx}, extended through {@code SHT_SYMTAB_SHNDX} when it is
 *                     {@code SHN_XINDEX}; {@link #SHN_UNDEF}, {@link #SHN_ABS}, {@link #SHN_COMMON} or
 *                     the index of a section of the file
 * @param value        {@code st_value}: in a relocatable object, the offset in its section
 * @param size         {@code st_size}
 */
public record Symbol(int index, String name, Type type, Binding binding, Visibility visibility,
                     int sectionIndex, long value, long size) {
    public static final int SHN_UNDEF = 0;
    public static final int SHN_LORESERVE = 0xff00;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_COMMON = 0xfff2;
    public static final int SHN_XINDEX = 0xffff;

    /** {@code STT_*}. */
    public enum Type { NOTYPE, OBJECT, FUNC, SECTION, FILE, COMMON, TLS }

    /** {@code STB_*}. */
    public enum Binding { LOCAL, GLOBAL, WEAK }

    /** {@code STV_*}. */
    public enum Visibility { DEFAULT, INTERNAL, HIDDEN, PROTECTED }

    /** Defined in another object, or by the loader ({@code __kconfig}, {@code __ksym} externs). */
    public boolean isUndefined() {
        return sectionIndex == SHN_UNDEF;
    }

    public boolean isAbsolute() {
        return sectionIndex == SHN_ABS;
    }

    public boolean isCommon() {
        return sectionIndex == SHN_COMMON;
    }

    /** Whether it lies in a section of the file (not undefined, absolute or common). */
    public boolean inSection() {
        return sectionIndex != SHN_UNDEF && sectionIndex < SHN_LORESERVE;
    }

    @Override
    public String toString() {
        return "symbol " + index + " '" + name + "'";
    }
}
