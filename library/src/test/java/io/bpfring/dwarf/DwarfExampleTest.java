package io.bpfring.dwarf;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfKind;
import io.bpfring.elf.ElfFile;
import io.bpfring.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The example of the package's documentation, compiled and run. */
class DwarfExampleTest {
    @Test
    void theEventStructThatOnlyDwarfDescribes() throws IOException {
        Path path = Fixtures.object("execsnoop_ringbuf_reserve.bpf.o");
        // @start region=types
        ElfFile elf = ElfFile.read(path);
        Btf btf = Btf.parse(elf.section(".BTF").orElseThrow().data());
        boolean inBtf = btf.find("event", BtfKind.STRUCT).isPresent();   // false: used through a pointer only

        Btf dwarf = DwarfTypes.read(elf);                                // the same model, from .debug_info
        int event = dwarf.find("event", BtfKind.STRUCT).orElseThrow();
        String c = dwarf.definition(event);                              // struct event { pid_t pid; ... };
        long size = dwarf.sizeOf(event);                                 // 532
        // @end
        assertEquals(false, inBtf);
        assertEquals("""
                struct event {
                \tpid_t pid;
                \tchar comm[16];
                \tchar filename[512];
                };""", c);
        assertEquals(532, size);
    }
}
