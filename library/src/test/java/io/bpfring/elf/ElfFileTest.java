package io.bpfring.elf;

import io.bpfring.ElfException;
import io.bpfring.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Expected values come from {@code llvm-readelf -S -s -r} on the checked-in objects (LLVM 14,
 * the objects as committed).
 */
class ElfFileTest {
    private static ElfFile open(String name) throws IOException {
        return ElfFile.read(Fixtures.object(name));
    }

    private static byte[] bytes(String name) throws IOException {
        return Files.readAllBytes(Fixtures.object(name));
    }

    @Test
    void everyFixtureParses() throws IOException {
        List<Path> objects = Fixtures.objects();
        assertFalse(objects.isEmpty(), "no fixtures in " + Fixtures.directory());
        for (Path path : objects) {
            ElfFile elf = ElfFile.read(path);
            assertTrue(elf.section(".BTF").isPresent(), path + " has .BTF");
            assertTrue(elf.section(".symtab").isPresent(), path + " has .symtab");
            assertFalse(elf.symbols().isEmpty(), path + " has symbols");
        }
    }

    @Test
    void sectionsAsLlvmReadelfListsThem() throws IOException {
        ElfFile elf = open("execsnoop_perfbuf.bpf.o");
        assertEquals(27, elf.sections().size());
        Section prog = elf.section(3);
        assertEquals("tp/syscalls/sys_enter_execve", prog.name());
        assertEquals(Section.SHT_PROGBITS, prog.type());
        assertTrue(prog.isExecutable());
        assertEquals(0x40, prog.offset());
        assertEquals(0x148, prog.size());
        assertEquals(0x148, prog.data().byteSize());
        assertEquals(8, prog.align());

        Section maps = elf.section(".maps").orElseThrow();
        assertEquals(5, maps.index());
        assertEquals(0x58, maps.size());
        assertTrue(maps.isWritable());
        assertFalse(maps.isExecutable());
        assertEquals(0x792, elf.section(".BTF").orElseThrow().size());
        assertEquals(0x19c, elf.section(".BTF.ext").orElseThrow().size());

        Section rel = elf.section(".reltp/syscalls/sys_enter_execve").orElseThrow();
        assertEquals(Section.SHT_REL, rel.type());
        assertEquals(26, rel.link());
        assertEquals(3, rel.info());
        assertEquals(16, rel.entrySize());
        assertEquals(Section.SHT_LLVM_ADDRSIG, elf.section(".llvm_addrsig").orElseThrow().type());
    }

    @Test
    void sectionDataIsAReadOnlyViewOfTheFile() throws IOException {
        byte[] file = bytes("execsnoop_perfbuf.bpf.o");
        ElfFile elf = ElfFile.parse(file);
        Section license = elf.section("license").orElseThrow();
        assertEquals("GPL", license.data().getString(0));
        assertTrue(license.data().isReadOnly());
        ByteBuffer buffer = license.buffer();
        assertTrue(buffer.isReadOnly());
        assertEquals(ByteOrder.LITTLE_ENDIAN, buffer.order());
        assertEquals('G', buffer.get(0));
        // The first instruction of the program, as llvm-objdump -d shows it: r6 = r1.
        Section prog = elf.section(3);
        assertEquals((byte) 0xbf, prog.data().get(ValueLayout.JAVA_BYTE, 0));
        assertEquals(0x16, prog.data().get(ValueLayout.JAVA_BYTE, 1));
    }

    @Test
    void bssHasSizeButNoBytes() throws IOException {
        ElfFile elf = open("globals.bpf.o");
        assertEquals(35, elf.sections().size());
        Section bss = elf.section(".bss").orElseThrow();
        assertEquals(11, bss.index());
        assertTrue(bss.isNoBits());
        assertEquals(0x80, bss.size());
        assertEquals(0, bss.data().byteSize());
        assertEquals(0x20, elf.section(".rodata").orElseThrow().size());
        assertEquals(0x1a, elf.section(".rodata.str1.1").orElseThrow().size());
    }

    @Test
    void symbols() throws IOException {
        ElfFile elf = open("execsnoop_perfbuf.bpf.o");
        List<Symbol> symbols = elf.symbols();
        assertEquals(17, symbols.size());
        assertEquals(new Symbol(0, "", Symbol.Type.NOTYPE, Symbol.Binding.LOCAL, Symbol.Visibility.DEFAULT,
                Symbol.SHN_UNDEF, 0, 0), symbols.get(0));
        Symbol file = symbols.get(1);
        assertEquals("execsnoop_perfbuf.bpf.c", file.name());
        assertEquals(Symbol.Type.FILE, file.type());
        assertTrue(file.isAbsolute());
        assertFalse(file.inSection());
        Symbol section = symbols.get(2);
        assertEquals(Symbol.Type.SECTION, section.type());
        assertEquals(3, section.sectionIndex());
        assertEquals("", section.name());
        Symbol label = symbols.get(3);
        assertEquals("LBB0_4", label.name());
        assertEquals(0x138, label.value());
        assertEquals(new Symbol(12, "execsnoop_perfbuf", Symbol.Type.FUNC, Symbol.Binding.GLOBAL,
                Symbol.Visibility.DEFAULT, 3, 0, 328), symbols.get(12));
        assertEquals(new Symbol(14, "events", Symbol.Type.OBJECT, Symbol.Binding.GLOBAL,
                Symbol.Visibility.DEFAULT, 5, 0x20, 24), symbols.get(14));
    }

    @Test
    void undefinedWeakExterns() throws IOException {
        ElfFile elf = open("globals.bpf.o");
        assertEquals(51, elf.symbols().size());
        Symbol version = elf.symbols().get(32);
        assertEquals("LINUX_KERNEL_VERSION", version.name());
        assertTrue(version.isUndefined());
        assertEquals(Symbol.Binding.GLOBAL, version.binding());
        Symbol tun = elf.symbols().get(34);
        assertEquals("CONFIG_TUN", tun.name());
        assertTrue(tun.isUndefined());
        assertEquals(Symbol.Binding.WEAK, tun.binding());
        Symbol result = elf.symbols().get(25);
        assertEquals("result", result.name());
        assertEquals(11, result.sectionIndex());
        assertEquals(112, result.size());
    }

    @Test
    void relocationsOfAProgram() throws IOException {
        ElfFile elf = open("execsnoop_perfbuf.bpf.o");
        List<Relocation> relos = elf.relocations(elf.section(3));
        assertEquals(3, relos.size());
        assertEquals(0x28, relos.get(0).offset());
        assertEquals(RelocationType.R_BPF_64_64, relos.get(0).type());
        assertEquals("heap", relos.get(0).symbol().name());
        assertEquals(0xb8, relos.get(1).offset());
        assertEquals("events", relos.get(1).symbol().name());
        assertEquals(0x108, relos.get(2).offset());
        assertEquals("drops", relos.get(2).symbol().name());

        List<Relocation> btf = elf.relocations(elf.section(".BTF").orElseThrow());
        assertEquals(4, btf.size());
        assertTrue(btf.stream().allMatch(r -> r.type() == RelocationType.R_BPF_64_NODYLD32));
        assertEquals(0x3d0, btf.get(0).offset());
        assertEquals(22, elf.relocations(elf.section(".BTF.ext").orElseThrow()).size());
        assertEquals(List.of(), elf.relocations(elf.section(".maps").orElseThrow()));
    }

    @Test
    void relocationsOfMapsAndGlobals() throws IOException {
        ElfFile elf = open("globals.bpf.o");
        List<Relocation> maps = elf.relocations(elf.section(".maps").orElseThrow());
        assertEquals(2, maps.size());
        assertEquals(new Relocation(0x58, RelocationType.R_BPF_64_ABS64, elf.symbols().get(49)), maps.get(0));
        assertEquals("inner_a", maps.get(0).symbol().name());
        assertEquals(0x60, maps.get(1).offset());
        assertEquals("inner_b", maps.get(1).symbol().name());

        List<Relocation> prog = elf.relocations(elf.section("syscall").orElseThrow());
        assertEquals(32, prog.size());
        assertEquals(".rodata.str1.1", elf.section(prog.get(14).symbol().sectionIndex()).name());
        assertEquals(Symbol.Type.SECTION, prog.get(14).symbol().type());
        assertEquals(0x318, prog.get(14).offset());
    }

    @Test
    void relocationTypeCodesAreLlvms() {
        // llvm/include/llvm/BinaryFormat/ELFRelocs/BPF.def
        assertEquals(0, RelocationType.R_BPF_NONE.code());
        assertEquals(1, RelocationType.R_BPF_64_64.code());
        assertEquals(2, RelocationType.R_BPF_64_ABS64.code());
        assertEquals(3, RelocationType.R_BPF_64_ABS32.code());
        assertEquals(4, RelocationType.R_BPF_64_NODYLD32.code());
        assertEquals(10, RelocationType.R_BPF_64_32.code());
        assertEquals(null, RelocationType.of(5));
    }

    // ---- bad input, each a clear ElfException

    private static ElfException bad(byte[] bytes) {
        return assertThrows(ElfException.class, () -> ElfFile.parse(bytes));
    }

    @Test
    void rejectsWrongClassEndiannessMachineAndType() throws IOException {
        byte[] good = bytes("globals.bpf.o");
        byte[] b = good.clone();
        b[4] = 1;
        assertTrue(bad(b).getMessage().contains("not a 64-bit ELF file"), bad(b).getMessage());
        b = good.clone();
        b[5] = 2;
        assertTrue(bad(b).getMessage().contains("big-endian"), bad(b).getMessage());
        b = good.clone();
        b[18] = 62; // EM_X86_64
        assertTrue(bad(b).getMessage().contains("e_machine is 62, not EM_BPF (247)"), bad(b).getMessage());
        b = good.clone();
        b[16] = 2; // ET_EXEC
        assertTrue(bad(b).getMessage().contains("ET_REL"), bad(b).getMessage());
        b = good.clone();
        b[0] = 0;
        assertTrue(bad(b).getMessage().contains("magic"), bad(b).getMessage());
        assertTrue(bad(new byte[10]).getMessage().contains("ELF header runs past the end of the file (10 bytes)"));
    }

    @Test
    void rejectsTruncation() throws IOException {
        byte[] good = bytes("globals.bpf.o");
        // The section header table is at the end: a file cut short loses it.
        ElfException e = bad(java.util.Arrays.copyOf(good, good.length - 1));
        assertTrue(e.getMessage().contains("section header table"), e.getMessage());
    }

    @Test
    void rejectsASectionPastTheEnd() throws IOException {
        byte[] b = bytes("execsnoop_perfbuf.bpf.o");
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long shoff = buf.getLong(40);
        buf.putLong((int) shoff + 5 * 64 + 32, 1L << 40); // .maps' sh_size
        ElfException e = bad(b);
        assertTrue(e.getMessage().contains("section 5 '.maps'") && e.getMessage().contains("runs past the end"),
                e.getMessage());
    }

    @Test
    void rejectsAStringOffsetPastTheTable() throws IOException {
        byte[] b = bytes("execsnoop_perfbuf.bpf.o");
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long symtab = 0x1478; // .symtab's sh_offset
        buf.putInt((int) symtab + 12 * 24, 0x7fff0000); // st_name of symbol 12
        ElfException e = bad(b);
        assertTrue(e.getMessage().contains("name of symbol 12") && e.getMessage().contains("past the end"),
                e.getMessage());
    }

    @Test
    void rejectsARelocationToAMissingSymbolOrPastItsSection() throws IOException {
        byte[] good = bytes("execsnoop_perfbuf.bpf.o");
        int rel = 0x1610; // .reltp/syscalls/sys_enter_execve's sh_offset
        byte[] b = good.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(rel + 8, (99L << 32) | 1);
        ElfException e = bad(b);
        assertTrue(e.getMessage().contains("relocation 0 of section 4") && e.getMessage().contains("symbol 99"),
                e.getMessage());
        b = good.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(rel, 0x140); // last slot: no room for ld_imm64
        e = bad(b);
        assertTrue(e.getMessage().contains("R_BPF_64_64 at offset 320 runs past the end"), e.getMessage());
        b = good.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(rel + 8, (13L << 32) | 7);
        e = bad(b);
        assertTrue(e.getMessage().contains("unknown BPF relocation type 7"), e.getMessage());
    }

    @Test
    void commonSymbols() throws IOException {
        byte[] b = bytes("execsnoop_perfbuf.bpf.o");
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putShort(0x1478 + 16 * 24 + 6, (short) Symbol.SHN_COMMON);
        Symbol license = ElfFile.parse(b).symbols().get(16);
        assertTrue(license.isCommon());
        assertFalse(license.inSection());
    }
}
