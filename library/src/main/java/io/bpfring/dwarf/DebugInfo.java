package io.bpfring.dwarf;

import io.bpfring.elf.ElfFile;
import io.bpfring.elf.Relocation;
import io.bpfring.elf.RelocationType;
import io.bpfring.elf.Section;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The entries of {@code .debug_info}: every unit's tree of DIEs, with strings resolved
 * ({@code .debug_str}, {@code .debug_line_str}, and {@code .debug_str_offsets} for DWARF 5's
 * {@code strx} forms). In a relocatable object the sections' cross references are relocations:
 * they are applied first.
 */
final class DebugInfo {
    private static final int DW_UT_COMPILE = 1;
    private static final int DW_UT_SPLIT_TYPE = 6;
    private static final int MAX_INDIRECT = 8;

    /** A {@code strx} index, resolved once the unit's {@code DW_AT_str_offsets_base} is known. */
    private record Strx(long index) {
    }

    private final Input info;
    private final Input abbrev;
    private final Input str;
    private final Input lineStr;
    private final Input strOffsets;
    private final Map<Long, Map<Long, Abbrev>> abbrevTables = new HashMap<>();
    /** Every DIE, in offset order: references are found by binary search. */
    private final List<Die> all = new ArrayList<>();
    private final List<Die> roots = new ArrayList<>();

    // The unit being read.
    private long unitStart;
    private int version;
    private int offsetSize;
    private int addressSize;
    private long strOffsetsBase;

    private DebugInfo(ElfFile elf) {
        this.info = input(elf, ".debug_info");
        this.abbrev = input(elf, ".debug_abbrev");
        this.str = input(elf, ".debug_str");
        this.lineStr = input(elf, ".debug_line_str");
        this.strOffsets = input(elf, ".debug_str_offsets");
    }

    /** Every unit of the object's {@code .debug_info}; none if it has no DWARF. */
    static DebugInfo read(ElfFile elf) {
        DebugInfo d = new DebugInfo(elf);
        for (long at = 0; at < d.info.size(); ) {
            at = d.unit(at);
        }
        return d;
    }

    /** The root DIE of every unit, in file order. */
    List<Die> roots() {
        return roots;
    }

    /** The entry a reference names. */
    Die at(Die from, Die.Ref ref) {
        int lo = 0;
        int hi = all.size() - 1;
        Die die = null;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Die d = all.get(mid);
            if (d.offset < ref.offset()) {
                lo = mid + 1;
            } else if (d.offset > ref.offset()) {
                hi = mid - 1;
            } else {
                die = d;
                break;
            }
        }
        if (die == null) {
            throw new DwarfException(from + ": refers to .debug_info offset " + ref.offset() + ", where no DIE starts");
        }
        return die;
    }

    private static Input input(ElfFile elf, String name) {
        Section section = elf.section(name).orElse(null);
        if (section == null || section.isNoBits()) {
            return new Input(name, MemorySegment.ofArray(new byte[0]));
        }
        return new Input(name, relocated(elf, section));
    }

    /**
     * The section's bytes with its 32- and 64-bit absolute relocations applied: with
     * {@code SHT_REL} the addend is in place, the symbol's value is added to it.
     */
    private static MemorySegment relocated(ElfFile elf, Section section) {
        List<Relocation> relocations = elf.relocations(section);
        if (relocations.isEmpty()) {
            return section.data();
        }
        MemorySegment copy = MemorySegment.ofArray(section.data().toArray(ValueLayout.JAVA_BYTE));
        for (Relocation r : relocations) {
            long value = r.symbol().value();
            if (value == 0) {
                continue;
            }
            if (r.type() == RelocationType.R_BPF_64_ABS64) {
                ValueLayout.OfLong u64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                copy.set(u64, r.offset(), copy.get(u64, r.offset()) + value);
            } else if (r.type() == RelocationType.R_BPF_64_ABS32) {
                ValueLayout.OfInt u32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                copy.set(u32, r.offset(), copy.get(u32, r.offset()) + (int) value);
            }
        }
        return copy;
    }

    /** Reads the unit at {@code start}; returns where the next one starts. */
    private long unit(long start) {
        info.seek(start);
        unitStart = start;
        long length = info.u32();
        offsetSize = 4;
        if (length == 0xffffffffL) {
            length = info.u64();
            offsetSize = 8;
        } else if (length >= 0xfffffff0L) {
            throw info.error(start, "reserved unit length 0x" + Long.toHexString(length));
        }
        if (length < 0 || length > info.size() - info.position()) {
            throw info.error(start, "unit of " + Long.toUnsignedString(length) + " bytes runs past the end of the section ("
                    + info.size() + " bytes)");
        }
        long end = info.position() + length;
        version = info.u16();
        if (version < 2 || version > 5) {
            throw info.error(start, "DWARF version " + version + ", only 2 to 5 are read");
        }
        long abbrevOffset;
        if (version >= 5) {
            int unitType = info.u8();
            addressSize = info.u8();
            abbrevOffset = info.unsigned(offsetSize);
            if (unitType < DW_UT_COMPILE || unitType > DW_UT_SPLIT_TYPE) {
                throw info.error(start, "unknown unit type " + unitType);
            }
            switch (unitType) {
                case 2, 6 -> info.skip(8 + offsetSize); // type signature, type offset
                case 4, 5 -> info.skip(8); // DWO id
                default -> {
                }
            }
        } else {
            abbrevOffset = info.unsigned(offsetSize);
            addressSize = info.u8();
        }
        if (addressSize != 1 && addressSize != 2 && addressSize != 4 && addressSize != 8) {
            throw info.error(start, "address size " + addressSize);
        }
        if (info.position() > end) {
            throw info.error(start, "unit header is longer than the unit");
        }
        Map<Long, Abbrev> abbrevs = abbrevTables.get(abbrevOffset);
        if (abbrevs == null) {
            abbrevs = Abbrev.table(abbrev, abbrevOffset);
            abbrevTables.put(abbrevOffset, abbrevs);
        }
        strOffsetsBase = version >= 5 ? 2L * offsetSize : 0; // past the table's header, if the unit says nothing
        dies(abbrevs, end);
        return end;
    }

    /** The unit's DIEs: a tree kept with an explicit stack, so no input nests the reader into a stack overflow. */
    private void dies(Map<Long, Abbrev> abbrevs, long end) {
        Deque<Die> parents = new ArrayDeque<>();
        boolean first = true;
        while (info.position() < end) {
            long offset = info.position();
            long code = info.uleb();
            if (code == 0) {
                parents.poll(); // the end of a list of children, or padding
                continue;
            }
            Abbrev a = abbrevs.get(code);
            if (a == null) {
                throw info.error(offset, "DIE with unknown abbreviation code " + code);
            }
            Object[] values = new Object[a.forms().length];
            for (int i = 0; i < values.length; i++) {
                values[i] = value(a.forms()[i], a.implicit()[i], offset);
            }
            if (first) {
                for (int i = 0; i < values.length; i++) {
                    if (a.attributes()[i] == Dwarf.AT_STR_OFFSETS_BASE && values[i] instanceof Long base) {
                        strOffsetsBase = base;
                    }
                }
                first = false;
            }
            for (int i = 0; i < values.length; i++) {
                if (values[i] instanceof Strx x) {
                    values[i] = indexedString(x.index(), offset);
                }
            }
            Die die = new Die(offset, a.tag(), a.attributes(), values);
            all.add(die);
            if (parents.isEmpty()) {
                roots.add(die);
            } else {
                parents.peek().children.add(die);
            }
            if (a.children()) {
                parents.push(die);
            }
            if (info.position() > end) {
                throw info.error(offset, "DIE runs past the end of its unit (at " + end + ")");
            }
        }
    }

    private Object value(int form, long implicit, long die) {
        for (int i = 0; i < MAX_INDIRECT; i++) {
            switch (form) {
                case 0x01 -> { // addr
                    return info.unsigned(addressSize);
                }
                case 0x03 -> { // block2
                    return info.bytes(info.u16());
                }
                case 0x04 -> { // block4
                    return info.bytes(info.u32());
                }
                case 0x05 -> { // data2
                    return (long) info.u16();
                }
                case 0x06 -> { // data4
                    return info.u32();
                }
                case 0x07 -> { // data8
                    return info.u64();
                }
                case 0x08 -> { // string
                    return info.string();
                }
                case 0x09, 0x18 -> { // block, exprloc
                    return info.bytes(info.uleb());
                }
                case 0x0a -> { // block1
                    return info.bytes(info.u8());
                }
                case 0x0b, 0x0c -> { // data1, flag
                    return (long) info.u8();
                }
                case 0x0d -> { // sdata
                    return info.sleb();
                }
                case 0x0e -> { // strp
                    return str.stringAt(info.unsigned(offsetSize));
                }
                case 0x0f, 0x1b, 0x1f01, 0x22, 0x23 -> { // udata, addrx, GNU_addr_index, loclistx, rnglistx
                    return info.uleb();
                }
                case 0x10 -> { // ref_addr: an address-sized offset in DWARF 2
                    return new Die.Ref(info.unsigned(version <= 2 ? addressSize : offsetSize));
                }
                case 0x11 -> { // ref1
                    return new Die.Ref(unitStart + info.u8());
                }
                case 0x12 -> { // ref2
                    return new Die.Ref(unitStart + info.u16());
                }
                case 0x13 -> { // ref4
                    return new Die.Ref(unitStart + info.u32());
                }
                case 0x14 -> { // ref8
                    return new Die.Ref(unitStart + info.u64());
                }
                case 0x15 -> { // ref_udata
                    return new Die.Ref(unitStart + info.uleb());
                }
                case 0x16 -> form = (int) Math.min(info.uleb(), Integer.MAX_VALUE); // indirect: the form comes first
                case 0x17 -> { // sec_offset
                    return info.unsigned(offsetSize);
                }
                case 0x19 -> { // flag_present
                    return 1L;
                }
                case 0x1a, 0x1f02 -> { // strx, GNU_str_index
                    return new Strx(info.uleb());
                }
                case 0x1c -> { // ref_sup4
                    info.skip(4);
                    return null;
                }
                case 0x1d, 0x1f20, 0x1f21 -> { // strp_sup, GNU_ref_alt, GNU_strp_alt: another file's
                    info.skip(offsetSize);
                    return null;
                }
                case 0x1e -> { // data16
                    return info.bytes(16);
                }
                case 0x1f -> { // line_strp
                    return lineStr.stringAt(info.unsigned(offsetSize));
                }
                case 0x20, 0x24 -> { // ref_sig8, ref_sup8
                    info.skip(8);
                    return null;
                }
                case 0x21 -> { // implicit_const: the value is in the abbreviation
                    return implicit;
                }
                case 0x25, 0x26, 0x27, 0x28 -> { // strx1..4
                    return new Strx(info.unsigned(form - 0x24));
                }
                case 0x29, 0x2a, 0x2b, 0x2c -> { // addrx1..4
                    return info.unsigned(form - 0x28);
                }
                case 0x2001 -> { // LLVM_addrx_offset
                    long index = info.uleb();
                    info.u32();
                    return index;
                }
                default -> throw info.error(die, "DIE attribute of unknown form 0x" + Integer.toHexString(form));
            }
        }
        throw info.error(die, "DW_FORM_indirect nested " + MAX_INDIRECT + " deep");
    }

    private String indexedString(long index, long die) {
        if (index < 0 || index > (strOffsets.size() - strOffsetsBase) / offsetSize) {
            throw info.error(die, "string index " + Long.toUnsignedString(index) + " is past the end of "
                    + strOffsets.section + " (base " + strOffsetsBase + ", " + strOffsets.size() + " bytes)");
        }
        long at = strOffsetsBase + index * offsetSize;
        if (strOffsetsBase < 0 || at + offsetSize > strOffsets.size()) {
            throw info.error(die, "string index " + index + " is past the end of " + strOffsets.section);
        }
        return str.stringAt(strOffsets.seek(at).unsigned(offsetSize));
    }
}
