package io.bpfring.elf;

import io.bpfring.ElfException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A BPF ELF object: a 64-bit little-endian relocatable file for {@code EM_BPF}, parsed whole
 * when it is opened (objects are small), so that every later accessor is safe. Section data are
 * read-only views of the file's bytes; nothing is copied.
 */
public final class ElfFile {
    /** {@code e_machine} of BPF objects. */
    public static final int EM_BPF = 247;

    private static final int EHDR_SIZE = 64;
    private static final int SHDR_SIZE = 64;
    private static final int SYM_SIZE = 24;
    private static final int REL_SIZE = 16;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int ELFDATA2MSB = 2;
    private static final int ET_REL = 1;
    private static final int EM_NONE = 0;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment file;
    private final List<Section> sections;
    private final Map<String, Section> byName = new HashMap<>();
    private final List<Symbol> symbols;
    private final Map<Integer, List<Relocation>> relocations = new LinkedHashMap<>();

    private ElfFile(MemorySegment file) {
        this.file = file.asReadOnly();
        this.sections = readSections();
        for (Section s : sections) {
            byName.putIfAbsent(s.name(), s);
        }
        this.symbols = readSymbols();
        readRelocations();
    }

    /** Reads and parses the object at {@code path}. */
    public static ElfFile read(Path path) throws IOException {
        long size = Files.size(path);
        if (size > Integer.MAX_VALUE - 8) {
            throw new ElfException(path + ": " + size + " bytes is too large for a BPF object");
        }
        byte[] bytes = Files.readAllBytes(path);
        try {
            return parse(bytes);
        } catch (ElfException e) {
            throw new ElfException(path + ": " + e.getMessage());
        }
    }

    /** Parses an object held in memory; the array must not change afterwards. */
    public static ElfFile parse(byte[] bytes) {
        return parse(MemorySegment.ofArray(bytes));
    }

    /** Parses an object held in memory; the memory must not change while the result is used. */
    public static ElfFile parse(MemorySegment bytes) {
        return new ElfFile(bytes);
    }

    /** All sections, by index; index 0 is the null section. */
    public List<Section> sections() {
        return sections;
    }

    public Section section(int index) {
        if (index < 0 || index >= sections.size()) {
            throw new IllegalArgumentException("no section " + index + " (the object has " + sections.size() + ")");
        }
        return sections.get(index);
    }

    /** The first section named {@code name}. */
    public Optional<Section> section(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The symbol table, by index (entry 0 is the null symbol); empty if the object has none. */
    public List<Symbol> symbols() {
        return symbols;
    }

    /** The relocations that apply to {@code target}, in file order; empty if none. */
    public List<Relocation> relocations(Section target) {
        return relocations.getOrDefault(target.index(), List.of());
    }

    /** The whole file, read-only. */
    public MemorySegment bytes() {
        return file;
    }

    // ---- section headers

    private List<Section> readSections() {
        need(0, EHDR_SIZE, "ELF header");
        if (u8(0) != 0x7f || u8(1) != 'E' || u8(2) != 'L' || u8(3) != 'F') {
            throw new ElfException("not an ELF file: no \\x7fELF magic at offset 0");
        }
        if (u8(4) != ELFCLASS64) {
            throw new ElfException("not a 64-bit ELF file: EI_CLASS is " + u8(4) + ", BPF objects are ELFCLASS64 (2)");
        }
        if (u8(5) != ELFDATA2LSB) {
            throw new ElfException(u8(5) == ELFDATA2MSB
                    ? "big-endian ELF file: only little-endian BPF objects are read"
                    : "ELF file of unknown byte order: EI_DATA is " + u8(5));
        }
        int type = u16(16);
        int machine = u16(18);
        // Old LLVM wrote EM_NONE; libbpf accepts it too.
        if (machine != EM_BPF && machine != EM_NONE) {
            throw new ElfException("not a BPF object: e_machine is " + machine + ", not EM_BPF (" + EM_BPF + ")");
        }
        if (type != ET_REL) {
            throw new ElfException("not a relocatable object: e_type is " + type + ", BPF objects are ET_REL (1)");
        }
        long shoff = u64(40);
        int shentsize = u16(58);
        long shnum = u16(60);
        int shstrndx = u16(62);
        if (shoff == 0) {
            if (shnum != 0) {
                throw new ElfException("ELF header: e_shnum " + shnum + " but e_shoff 0");
            }
            return List.of();
        }
        if (shentsize != SHDR_SIZE) {
            throw new ElfException("ELF header: e_shentsize " + shentsize + ", expected " + SHDR_SIZE);
        }
        need(shoff, SHDR_SIZE, "section header 0 (e_shoff " + shoff + ")");
        // Extended numbering: counts too large for the header live in section 0.
        if (shnum == 0) {
            shnum = u64(shoff + 32);
        }
        if (shstrndx == Symbol.SHN_XINDEX) {
            shstrndx = u32(shoff + 40);
        }
        if (shnum < 0 || shnum > (file.byteSize() - shoff) / SHDR_SIZE) {
            throw new ElfException("section header table (e_shoff " + shoff + ", " + Long.toUnsignedString(shnum)
                    + " entries) runs past the end of the file (" + file.byteSize() + " bytes)");
        }
        int count = (int) shnum;
        if (shstrndx < 0 || shstrndx >= count) {
            throw new ElfException("ELF header: e_shstrndx " + Integer.toUnsignedString(shstrndx)
                    + " is not a section (there are " + count + ")");
        }
        long[] header = new long[count * 8];
        for (int i = 0; i < count; i++) {
            long h = shoff + (long) i * SHDR_SIZE;
            header[i * 8] = u32(h) & 0xffffffffL;
            header[i * 8 + 1] = u32(h + 4) & 0xffffffffL;
            header[i * 8 + 2] = u64(h + 8);
            header[i * 8 + 3] = u64(h + 24);
            header[i * 8 + 4] = u64(h + 32);
            header[i * 8 + 5] = u32(h + 40) & 0xffffffffL;
            header[i * 8 + 6] = u32(h + 44) & 0xffffffffL;
            header[i * 8 + 7] = u64(h + 48);
        }
        MemorySegment names = sectionData(shstrndx, header, "section name table (section " + shstrndx + ")");
        List<Section> result = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int t = (int) header[i * 8 + 1];
            String name = i == 0 ? "" : string(names, header[i * 8], "section name of section " + i
                    + " (in section " + shstrndx + ")");
            long entsize = u64(shoff + (long) i * SHDR_SIZE + 56);
            MemorySegment data = t == Section.SHT_NOBITS || t == Section.SHT_NULL
                    ? file.asSlice(0, 0)
                    : sectionData(i, header, "section " + i + " '" + name + "'");
            result.add(new Section(i, name, t, header[i * 8 + 2], header[i * 8 + 3], header[i * 8 + 4],
                    (int) header[i * 8 + 5], (int) header[i * 8 + 6], header[i * 8 + 7], entsize, data));
        }
        return Collections.unmodifiableList(result);
    }

    private MemorySegment sectionData(int index, long[] header, String what) {
        long offset = header[index * 8 + 3];
        long size = header[index * 8 + 4];
        if (header[index * 8 + 1] == Section.SHT_NOBITS) {
            throw new ElfException(what + " has type SHT_NOBITS: it has no bytes in the file");
        }
        need(offset, size, what + " (offset " + Long.toUnsignedString(offset) + ", size "
                + Long.toUnsignedString(size) + ")");
        return file.asSlice(offset, size);
    }

    // ---- symbols

    private List<Symbol> readSymbols() {
        Section symtab = null;
        Section shndx = null;
        for (Section s : sections) {
            if (s.type() == Section.SHT_SYMTAB) {
                if (symtab != null) {
                    throw new ElfException("two symbol tables: " + symtab + " and " + s);
                }
                symtab = s;
            } else if (s.type() == Section.SHT_SYMTAB_SHNDX) {
                shndx = s;
            }
        }
        if (symtab == null) {
            return List.of();
        }
        if (symtab.entrySize() != SYM_SIZE || symtab.size() % SYM_SIZE != 0) {
            throw new ElfException("symbol table " + symtab + ": entry size " + symtab.entrySize() + " and size "
                    + symtab.size() + ", expected entries of " + SYM_SIZE + " bytes");
        }
        if (symtab.link() <= 0 || symtab.link() >= sections.size()
                || sections.get(symtab.link()).type() != Section.SHT_STRTAB) {
            throw new ElfException("symbol table " + symtab + ": sh_link " + Integer.toUnsignedString(symtab.link())
                    + " is not a string table");
        }
        MemorySegment strings = sections.get(symtab.link()).data();
        MemorySegment table = symtab.data();
        int count = (int) (symtab.size() / SYM_SIZE);
        List<Symbol> result = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long e = (long) i * SYM_SIZE;
            String where = "symbol " + i + " of " + symtab;
            String name = string(strings, table.get(U32, e) & 0xffffffffL, "name of " + where);
            int info = table.get(ValueLayout.JAVA_BYTE, e + 4) & 0xff;
            int other = table.get(ValueLayout.JAVA_BYTE, e + 5) & 0xff;
            int section = table.get(U16, e + 6) & 0xffff;
            if (section == Symbol.SHN_XINDEX) {
                section = extendedIndex(shndx, symtab, i, where);
            }
            if (section != Symbol.SHN_UNDEF && section != Symbol.SHN_ABS && section != Symbol.SHN_COMMON
                    && (section < 0 || section >= sections.size())) {
                throw new ElfException(where + " '" + name + "': st_shndx " + Integer.toUnsignedString(section)
                        + " is not a section (there are " + sections.size() + ")");
            }
            int type = info & 0xf;
            int binding = info >>> 4;
            if (type >= Symbol.Type.values().length) {
                throw new ElfException(where + " '" + name + "': unknown symbol type " + type);
            }
            if (binding >= Symbol.Binding.values().length) {
                throw new ElfException(where + " '" + name + "': unknown symbol binding " + binding);
            }
            result.add(new Symbol(i, name, Symbol.Type.values()[type], Symbol.Binding.values()[binding],
                    Symbol.Visibility.values()[other & 3], section, table.get(U64, e + 8), table.get(U64, e + 16)));
        }
        return Collections.unmodifiableList(result);
    }

    private int extendedIndex(Section shndx, Section symtab, int symbol, String where) {
        if (shndx == null || shndx.link() != symtab.index()) {
            throw new ElfException(where + ": st_shndx is SHN_XINDEX but there is no SHT_SYMTAB_SHNDX section for "
                    + symtab);
        }
        long at = (long) symbol * 4;
        if (at + 4 > shndx.size()) {
            throw new ElfException(where + ": no entry for it in " + shndx + " (" + shndx.size() + " bytes)");
        }
        return shndx.data().get(U32, at);
    }

    // ---- relocations

    private void readRelocations() {
        for (Section rel : sections) {
            if (rel.type() != Section.SHT_REL) {
                continue;
            }
            if (rel.entrySize() != REL_SIZE || rel.size() % REL_SIZE != 0) {
                throw new ElfException("relocation " + rel + ": entry size " + rel.entrySize() + " and size "
                        + rel.size() + ", expected Elf64_Rel entries of " + REL_SIZE + " bytes");
            }
            if (symbols.isEmpty() || rel.link() <= 0 || rel.link() >= sections.size()
                    || sections.get(rel.link()).type() != Section.SHT_SYMTAB) {
                throw new ElfException("relocation " + rel + ": sh_link " + Integer.toUnsignedString(rel.link())
                        + " is not the symbol table");
            }
            if (rel.info() <= 0 || rel.info() >= sections.size()) {
                throw new ElfException("relocation " + rel + ": sh_info " + Integer.toUnsignedString(rel.info())
                        + " is not a section (there are " + sections.size() + ")");
            }
            Section target = sections.get(rel.info());
            int count = (int) (rel.size() / REL_SIZE);
            List<Relocation> list = relocations.computeIfAbsent(target.index(), k -> new ArrayList<>(count));
            for (int i = 0; i < count; i++) {
                list.add(relocation(rel, target, i));
            }
        }
        relocations.replaceAll((k, v) -> List.copyOf(v));
    }

    private Relocation relocation(Section rel, Section target, int i) {
        long e = (long) i * REL_SIZE;
        String where = "relocation " + i + " of " + rel;
        long offset = rel.data().get(U64, e);
        long info = rel.data().get(U64, e + 8);
        long sym = info >>> 32;
        long code = info & 0xffffffffL;
        RelocationType type = RelocationType.of(code);
        if (type == null) {
            throw new ElfException(where + ": unknown BPF relocation type " + code);
        }
        if (sym >= symbols.size() || (sym == 0 && type != RelocationType.R_BPF_NONE)) {
            throw new ElfException(where + ": symbol " + sym + " is not in the symbol table (" + symbols.size()
                    + " entries)");
        }
        if (offset < 0 || offset > target.size() - type.width()) {
            throw new ElfException(where + ": " + type + " at offset " + Long.toUnsignedString(offset)
                    + " runs past the end of " + target + " (" + target.size() + " bytes)");
        }
        if (target.isExecutable() && offset % 8 != 0) {
            throw new ElfException(where + ": offset " + offset + " in " + target
                    + " is not at an instruction (a multiple of 8)");
        }
        return new Relocation(offset, type, symbols.get((int) sym));
    }

    // ---- bounds-checked reading

    private void need(long offset, long size, String what) {
        if (offset < 0 || size < 0 || offset > file.byteSize() || size > file.byteSize() - offset) {
            throw new ElfException(what + " runs past the end of the file (" + file.byteSize() + " bytes)");
        }
    }

    /** The NUL-terminated string at {@code offset} of a string table. */
    private static String string(MemorySegment table, long offset, String what) {
        if (offset < 0 || offset >= table.byteSize()) {
            throw new ElfException(what + ": string offset " + Long.toUnsignedString(offset)
                    + " is past the end of the string table (" + table.byteSize() + " bytes)");
        }
        long end = offset;
        while (end < table.byteSize() && table.get(ValueLayout.JAVA_BYTE, end) != 0) {
            end++;
        }
        if (end == table.byteSize()) {
            throw new ElfException(what + ": the string at offset " + offset + " has no terminating NUL");
        }
        byte[] bytes = table.asSlice(offset, end - offset).toArray(ValueLayout.JAVA_BYTE);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private int u8(long offset) {
        return file.get(ValueLayout.JAVA_BYTE, offset) & 0xff;
    }

    private int u16(long offset) {
        return file.get(U16, offset) & 0xffff;
    }

    private int u32(long offset) {
        return file.get(U32, offset);
    }

    private long u64(long offset) {
        return file.get(U64, offset);
    }
}
