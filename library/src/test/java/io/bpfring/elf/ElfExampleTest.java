package io.bpfring.elf;

import io.bpfring.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example of the package's documentation, compiled and run. */
class ElfExampleTest {
    @Test
    void theProgramsAndMapsOfAnObject() throws IOException {
        Path path = Fixtures.object("execsnoop_ringbuf_reserve.bpf.o");
        // @start region=read
        ElfFile elf = ElfFile.read(path);
        List<String> programs = elf.sections().stream()
                .filter(Section::isExecutable)                    // code: .text and one per SEC("...")
                .filter(section -> section.size() > 0)
                .map(Section::name)
                .toList();                                        // [tp/syscalls/sys_enter_execve]
        Section maps = elf.section(".maps").orElseThrow();
        List<String> mapNames = elf.symbols().stream()
                .filter(symbol -> symbol.sectionIndex() == maps.index())
                .map(Symbol::name)
                .toList();                                        // [events, drops]
        // @end
        assertEquals(List.of("tp/syscalls/sys_enter_execve"), programs);
        assertEquals(List.of("events", "drops"), mapNames);
        assertTrue(elf.section(".BTF").isPresent());
    }
}
