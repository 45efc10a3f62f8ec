package io.bpfring.elf;

import io.bpfring.ElfException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An executable or shared library of any machine (64-bit, little-endian): its loadable
 * segments and the functions of its {@code .symtab} and {@code .dynsym}, which is what a uprobe
 * needs to turn a function's name into the file offset the kernel takes. Unlike
 * {@link ElfFile}, nothing is parsed up front: the file may be large, and a lookup reads only
 * the headers and symbol tables. Every field is still untrusted: anything out of range is an
 * {@link ElfException}.
 */
public final class ElfBinary {
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int ET_EXEC = 2;
    private static final int ET_DYN = 3;
    private static final int PT_LOAD = 1;
    private static final int PF_X = 1;
    private static final int SHT_SYMTAB = 2;
    private static final int SHT_DYNSYM = 11;
    private static final int SHT_GNU_VERSYM = 0x6fffffff;
    private static final int STT_FUNC = 2;
    private static final int STT_GNU_IFUNC = 10;
    private static final int STB_WEAK = 2;
    private static final int VERSYM_HIDDEN = 0x8000;
    private static final int PHDR_SIZE = 56;
    private static final int SHDR_SIZE = 64;
    private static final int SYM_SIZE = 24;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A {@code PT_LOAD} program header: file bytes mapped at a virtual address. */
    public record Segment(long offset, long address, long fileSize, long memorySize, int flags) {
        public boolean isExecutable() {
            return (flags & PF_X) != 0;
        }
    }

    /**
     * A function symbol ({@code STT_FUNC} or {@code STT_GNU_IFUNC}) defined in the file.
     *
     * @param address       {@code st_value}, a virtual address
     * @param weak          {@code STB_WEAK}: another definition of the name wins over it
     * @param hiddenVersion a {@code .dynsym} entry of a non-default symbol version
     *                      ({@code name@VERSION}, not {@code name@@VERSION})
     */
    public record Function(String name, long address, long size, boolean weak, boolean hiddenVersion) {
    }

    private final String source;
    private final MemorySegment file;
    private final List<Segment> segments;

    private ElfBinary(String source, MemorySegment file) {
        this.source = source;
        this.file = file.asReadOnly();
        this.segments = readSegments();
    }

    /** Maps the file at {@code path} read-only; the mapping goes when the result is unreachable. */
    public static ElfBinary read(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            return new ElfBinary(path.toString(), channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(),
                    Arena.ofAuto()));
        }
    }

    /** Parses a file held in memory; the memory must not change while the result is used. */
    public static ElfBinary parse(MemorySegment bytes) {
        return new ElfBinary("ELF file", bytes);
    }

    /** The {@code PT_LOAD} segments, in file order. */
    public List<Segment> segments() {
        return segments;
    }

    /** Every definition of the function {@code name} in {@code .symtab}, else in {@code .dynsym}. */
    public List<Function> functions(String name) {
        List<Function> found = functions(SHT_SYMTAB, name);
        return found.isEmpty() ? functions(SHT_DYNSYM, name) : found;
    }

    /**
     * The file offset of the function {@code name}, where a uprobe on it goes. A strong
     * definition wins over weak ones and the default version over hidden ones.
     *
     * @throws ElfException when the file defines no such function, or two that differ
     */
    public long functionOffset(String name) {
        List<Function> all = functions(name);
        if (all.isEmpty()) {
            throw new ElfException(source + " defines no function '" + name + "' in .symtab or .dynsym");
        }
        List<Function> best = all.stream().filter(f -> !f.weak()).toList();
        best = best.isEmpty() ? all : best;
        List<Function> visible = best.stream().filter(f -> !f.hiddenVersion()).toList();
        best = visible.isEmpty() ? best : visible;
        long address = best.getFirst().address();
        if (best.stream().anyMatch(f -> f.address() != address)) {
            throw new ElfException(source + " defines function '" + name + "' at several addresses: "
                    + best.stream().map(f -> "0x" + Long.toHexString(f.address())).toList()
                    + "; give the offset instead");
        }
        return fileOffset(address);
    }

    /** Where the byte mapped at virtual {@code address} sits in the file, through the {@code PT_LOAD} segments. */
    public long fileOffset(long address) {
        for (Segment s : segments) {
            if (Long.compareUnsigned(address, s.address()) >= 0
                    && Long.compareUnsigned(address - s.address(), s.fileSize()) < 0) {
                return address - s.address() + s.offset();
            }
        }
        throw new ElfException(source + ": address 0x" + Long.toHexString(address)
                + " lies in no loadable segment's file bytes");
    }

    // ---- headers

    private List<Segment> readSegments() {
        need(0, 64, "ELF header");
        if (u8(0) != 0x7f || u8(1) != 'E' || u8(2) != 'L' || u8(3) != 'F') {
            throw new ElfException(source + " is not an ELF file: no \\x7fELF magic");
        }
        if (u8(4) != ELFCLASS64 || u8(5) != ELFDATA2LSB) {
            throw new ElfException(source + " is not a 64-bit little-endian ELF file (EI_CLASS " + u8(4)
                    + ", EI_DATA " + u8(5) + ")");
        }
        int type = u16(16);
        if (type != ET_EXEC && type != ET_DYN) {
            throw new ElfException(source + " is neither an executable nor a shared object: e_type is " + type);
        }
        long phoff = u64(32);
        int phentsize = u16(54);
        int phnum = u16(56);
        if (phnum > 0 && phentsize != PHDR_SIZE) {
            throw new ElfException(source + ": e_phentsize " + phentsize + ", expected " + PHDR_SIZE);
        }
        need(phoff, (long) phnum * PHDR_SIZE, "program header table");
        List<Segment> result = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            long h = phoff + (long) i * PHDR_SIZE;
            if (u32(h) == PT_LOAD) {
                result.add(new Segment(u64(h + 8), u64(h + 16), u64(h + 32), u64(h + 40), u32(h + 4)));
            }
        }
        return List.copyOf(result);
    }

    /** The section headers as (type, link, offset, size, entsize) rows. */
    private List<long[]> sections() {
        long shoff = u64(40);
        int shentsize = u16(58);
        int shnum = u16(60);
        if (shoff == 0 || shnum == 0) {
            return List.of();
        }
        if (shentsize != SHDR_SIZE) {
            throw new ElfException(source + ": e_shentsize " + shentsize + ", expected " + SHDR_SIZE);
        }
        need(shoff, (long) shnum * SHDR_SIZE, "section header table");
        List<long[]> result = new ArrayList<>(shnum);
        for (int i = 0; i < shnum; i++) {
            long h = shoff + (long) i * SHDR_SIZE;
            result.add(new long[] {u32(h + 4) & 0xffffffffL, u32(h + 40) & 0xffffffffL, u64(h + 24), u64(h + 32),
                    u64(h + 56)});
        }
        return result;
    }

    // ---- symbols

    private List<Function> functions(int tableType, String name) {
        List<long[]> sections = sections();
        List<Function> found = new ArrayList<>();
        for (long[] table : sections) {
            if (table[0] != tableType) {
                continue;
            }
            String what = (tableType == SHT_SYMTAB ? ".symtab" : ".dynsym") + " of " + source;
            if (table[4] != SYM_SIZE || table[1] >= sections.size()) {
                throw new ElfException(what + ": entry size " + table[4] + " or string table " + table[1]
                        + " is wrong");
            }
            long[] strings = sections.get((int) table[1]);
            need(table[2], table[3], what);
            need(strings[2], strings[3], "string table of " + what);
            long[] versions = tableType == SHT_DYNSYM ? versionTable(sections) : null;
            byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
            long count = table[3] / SYM_SIZE;
            for (long i = 0; i < count; i++) {
                long e = table[2] + i * SYM_SIZE;
                int info = u8(e + 4);
                int symType = info & 0xf;
                if (symType != STT_FUNC && symType != STT_GNU_IFUNC || u16(e + 6) == 0
                        || !nameIs(strings, u32(e) & 0xffffffffL, wanted)) {
                    continue;
                }
                boolean hidden = versions != null && versions[3] >= (i + 1) * 2
                        && (u16(versions[2] + i * 2) & VERSYM_HIDDEN) != 0;
                found.add(new Function(name, u64(e + 8), u64(e + 16), info >>> 4 == STB_WEAK, hidden));
            }
        }
        return found;
    }

    private long[] versionTable(List<long[]> sections) {
        for (long[] s : sections) {
            if (s[0] == SHT_GNU_VERSYM) {
                need(s[2], s[3], ".gnu.version of " + source);
                return s;
            }
        }
        return null;
    }

    /** Whether the NUL-terminated string at {@code offset} of {@code strings} is {@code wanted}. */
    private boolean nameIs(long[] strings, long offset, byte[] wanted) {
        if (offset + wanted.length >= strings[3]) {
            return false;
        }
        long at = strings[2] + offset;
        for (int i = 0; i < wanted.length; i++) {
            if (file.get(ValueLayout.JAVA_BYTE, at + i) != wanted[i]) {
                return false;
            }
        }
        return file.get(ValueLayout.JAVA_BYTE, at + wanted.length) == 0;
    }

    // ---- bounds-checked reading

    private void need(long offset, long size, String what) {
        if (offset < 0 || size < 0 || offset > file.byteSize() || size > file.byteSize() - offset) {
            throw new ElfException(source + ": " + what + " (offset " + Long.toUnsignedString(offset) + ", "
                    + Long.toUnsignedString(size) + " bytes) runs past the end of the file (" + file.byteSize()
                    + " bytes)");
        }
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

    @Override
    public String toString() {
        return source;
    }
}
