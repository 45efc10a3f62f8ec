package io.bpfring.dwarf;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfKind;
import io.bpfring.btf.BtfType;
import io.bpfring.elf.ElfFile;
import io.bpfring.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DWARF read into BTF, held against what clang itself wrote to {@code .BTF} for the same types.
 * {@code types_dwarf{3,4,5}.bpf.o} are {@code types.bpf.c} (beside them, with build.sh) built
 * as each DWARF version.
 */
class DwarfTypesTest {
    private static ElfFile resource(String name) throws IOException {
        try (InputStream in = DwarfTypesTest.class.getResourceAsStream(name)) {
            return ElfFile.parse(in.readAllBytes());
        }
    }

    private static int id(Btf btf, String name, BtfKind kind) {
        OptionalInt id = btf.find(name, kind);
        assertTrue(id.isPresent(), kind + " " + name);
        return id.getAsInt();
    }

    /** Members as name@bit:size, free of type ids, which differ between the two tables. */
    private static List<String> layout(BtfType.Composite c) {
        return c.members().stream().map(m -> m.name() + "@" + m.bitOffset() + ":" + m.bitfieldSize()).toList();
    }

    @Test
    void theEventStructThatIsOnlyInDwarf() throws IOException {
        ElfFile elf = ElfFile.read(Fixtures.object("execsnoop_ringbuf_reserve.bpf.o"));
        Btf btf = Btf.parse(elf.section(".BTF").orElseThrow().data());
        assertTrue(btf.find("event", BtfKind.STRUCT).isEmpty(), "clang left struct event out of .BTF");

        Btf dwarf = DwarfTypes.read(elf);
        int event = id(dwarf, "event", BtfKind.STRUCT);
        assertEquals("""
                struct event {
                \tpid_t pid;
                \tchar comm[16];
                \tchar filename[512];
                };""", dwarf.definition(event));
        assertEquals(532, dwarf.sizeOf(event));
        BtfType.Struct struct = (BtfType.Struct) dwarf.type(event);
        assertEquals(List.of(0, 32, 160), struct.members().stream().map(BtfType.Member::bitOffset).toList());
        BtfType.Int pid = assertInstanceOf(BtfType.Int.class, dwarf.type(dwarf.resolve(struct.members().getFirst().type())));
        assertEquals("int", pid.name());
        assertTrue(pid.isSigned());
    }

    @Test
    void everyDwarfVersionGivesWhatClangWroteToBtf() throws IOException {
        for (int version : new int[] {3, 4, 5}) {
            ElfFile elf = resource("types_dwarf" + version + ".bpf.o");
            Btf btf = Btf.parse(elf.section(".BTF").orElseThrow().data());
            Btf dwarf = DwarfTypes.read(elf);
            for (String name : List.of("sample", "flags")) {
                assertEquals(btf.definition(id(btf, name, BtfKind.STRUCT)), dwarf.definition(id(dwarf, name, BtfKind.STRUCT)),
                        "DWARF " + version + " struct " + name);
                assertEquals(btf.type(id(btf, name, BtfKind.STRUCT)).getClass(),
                        dwarf.type(id(dwarf, name, BtfKind.STRUCT)).getClass());
            }
            assertEquals(btf.definition(id(btf, "value", BtfKind.UNION)), dwarf.definition(id(dwarf, "value", BtfKind.UNION)));
            assertEquals(btf.sizeOf(id(btf, "sample", BtfKind.STRUCT)), dwarf.sizeOf(id(dwarf, "sample", BtfKind.STRUCT)));
            BtfType.Struct flags = (BtfType.Struct) dwarf.type(id(dwarf, "flags", BtfKind.STRUCT));
            assertTrue(flags.bitfieldOffsets());
            assertEquals(List.of(0, 3, 13, 24, 64), flags.members().stream().map(BtfType.Member::bitOffset).toList(),
                    "DWARF " + version);
            assertEquals(List.of(3, 10, 5, 0, 0), flags.members().stream().map(BtfType.Member::bitfieldSize).toList());
            assertEquals(BtfKind.FWD, dwarf.kind(id(dwarf, "opaque", BtfKind.FWD)));
            // clang 14 writes BTF enums unsigned; DWARF knows the underlying int is signed.
            assertEquals("""
                    enum color {
                    \tRED = 0,
                    \tGREEN = 1,
                    \tBLUE = -1,
                    };""", dwarf.definition(id(dwarf, "color", BtfKind.ENUM)));
        }
    }

    @Test
    void everyFixtureTypeInBtfIsTheSameInDwarf() throws IOException {
        for (Path path : Fixtures.objects()) {
            ElfFile elf = ElfFile.read(path);
            if (elf.section(".debug_info").isEmpty()) {
                continue;
            }
            Btf btf = Btf.parse(elf.section(".BTF").orElseThrow().data());
            Btf dwarf = DwarfTypes.read(elf);
            int compared = 0;
            for (int id = 1; id < btf.typeCount(); id++) {
                BtfKind kind = btf.kind(id);
                String name = btf.name(id);
                if (name.isEmpty() || !(kind == BtfKind.STRUCT || kind == BtfKind.UNION || kind == BtfKind.TYPEDEF
                        || kind == BtfKind.INT) || name.equals("__ARRAY_SIZE_TYPE__")) {
                    continue;
                }
                // Types only named in CO-RE builtins (bpf_core_type_exists) are in .BTF alone.
                OptionalInt found = dwarf.find(name, kind);
                if (found.isEmpty()) {
                    continue;
                }
                int other = found.getAsInt();
                assertEquals(btf.definition(id), dwarf.definition(other), path + ": " + kind + " " + name);
                if (kind == BtfKind.INT) {
                    assertEquals(btf.type(id), dwarf.type(other), path + ": " + kind + " " + name);
                } else if (btf.type(id) instanceof BtfType.Composite c) {
                    BtfType.Composite d = (BtfType.Composite) dwarf.type(other);
                    assertEquals(c.size(), d.size(), path + ": " + kind + " " + name);
                    assertEquals(layout(c), layout(d), path + ": " + kind + " " + name);
                }
                compared++;
            }
            assertTrue(compared > 3, path + ": only " + compared + " types compared");
        }
    }
}
