package io.bpfring.object;

import io.bpfring.elf.ElfFile;
import io.bpfring.elf.Section;
import io.bpfring.testing.Fixtures;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;

/** Targeted damage to a fixture object's bytes, found through its own headers. */
final class ElfEdit {
    private final byte[] bytes;
    private final ByteBuffer buf;
    private final ElfFile elf;

    private ElfEdit(byte[] bytes) {
        this.bytes = bytes;
        this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        this.elf = ElfFile.parse(bytes.clone());
    }

    static ElfEdit of(String fixture) throws IOException {
        return new ElfEdit(Files.readAllBytes(Fixtures.object(fixture)));
    }

    byte[] bytes() {
        return bytes;
    }

    byte[] truncated(int length) {
        return Arrays.copyOf(bytes, length);
    }

    private Section section(String name) {
        return elf.section(name).orElseThrow(() -> new IllegalArgumentException("no section " + name));
    }

    private long sectionHeader(int index) {
        return buf.getLong(40) + 64L * index;
    }

    ElfEdit machine(int machine) {
        buf.putShort(18, (short) machine);
        return this;
    }

    /** Renames a section in place (same length; a name other names share a tail with changes with it). */
    ElfEdit renameSection(String from, String to) {
        if (from.length() != to.length()) {
            throw new IllegalArgumentException("names must have the same length");
        }
        Section s = section(from);
        Section names = elf.section(Short.toUnsignedInt(buf.getShort(62)));
        int nameOffset = buf.getInt((int) sectionHeader(s.index()));
        System.arraycopy(to.getBytes(StandardCharsets.US_ASCII), 0, bytes, (int) (names.offset() + nameOffset),
                to.length());
        return this;
    }

    /** Replaces instruction {@code insn} of section {@code section}: opcode, registers, offset, immediate. */
    ElfEdit insn(String section, int insn, int opcode, int dst, int src, int off, int imm) {
        int at = (int) (section(section).offset() + 8L * insn);
        bytes[at] = (byte) opcode;
        bytes[at + 1] = (byte) (src << 4 | dst);
        buf.putShort(at + 2, (short) off);
        buf.putInt(at + 4, imm);
        return this;
    }

    /** Sets the immediate of instruction {@code insn} of {@code section}. */
    ElfEdit imm(String section, int insn, int imm) {
        buf.putInt((int) (section(section).offset() + 8L * insn + 4), imm);
        return this;
    }

    /** Sets the symbol and type of the relocation of {@code section} at byte {@code offset} of that section. */
    ElfEdit relocation(String section, long offset, int symbol, int type) {
        Section target = section(section);
        for (Section rel : elf.sections()) {
            if (rel.type() == Section.SHT_REL && rel.info() == target.index()) {
                for (int i = 0; i < rel.size() / 16; i++) {
                    int at = (int) (rel.offset() + 16L * i);
                    if (buf.getLong(at) == offset) {
                        buf.putLong(at + 8, (long) symbol << 32 | type);
                        return this;
                    }
                }
            }
        }
        throw new IllegalArgumentException("no relocation of " + section + " at " + offset);
    }

    /** The index of symbol {@code name}. */
    int symbol(String name) {
        return elf.symbols().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().index();
    }

    /** Sets {@code st_shndx} of symbol {@code index}: 0 makes it undefined. */
    ElfEdit symbolSection(int index, int section) {
        Section symtab = elf.sections().stream().filter(s -> s.type() == Section.SHT_SYMTAB).findFirst().orElseThrow();
        buf.putShort((int) (symtab.offset() + 24L * index + 6), (short) section);
        return this;
    }
}
