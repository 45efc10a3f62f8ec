package io.bpfring.elf;

import io.bpfring.ElfException;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElfBinaryTest {
    /**
     * This process's libc and the address it is loaded at: the loader's private mapping of its
     * file offset 0 (a reader's shared mapping of the whole file may come first).
     */
    private record Mapped(Path path, long base) {
        static Mapped libc() throws Exception {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 6 && f[5].endsWith("/libc.so.6") && f[1].endsWith("p") && Long.parseLong(f[2], 16) == 0) {
                    return new Mapped(Path.of(f[5]), Long.parseUnsignedLong(f[0].split("-")[0], 16));
                }
            }
            throw new AssertionError("this process maps no libc.so.6");
        }
    }

    @Test
    void aFunctionsFileOffsetIsWhereTheLoaderMappedIt() throws Exception {
        Mapped libc = Mapped.libc();
        ElfBinary elf = ElfBinary.read(libc.path());
        assertTrue(elf.segments().stream().anyMatch(ElfBinary.Segment::isExecutable), elf.segments().toString());
        for (String name : List.of("getpid", "getppid", "malloc")) {
            long runtime = Linker.nativeLinker().defaultLookup().find(name).orElseThrow().address();
            List<ElfBinary.Function> defs = elf.functions(name);
            assertFalse(defs.isEmpty(), name);
            // A shared object is mapped whole at one base: its symbol's address is the runtime address's distance from it.
            assertTrue(defs.stream().anyMatch(f -> f.address() == runtime - libc.base()), name + ": " + defs);
            long offset = elf.functionOffset(name);
            ElfBinary.Segment text = elf.segments().stream()
                    .filter(s -> runtime - libc.base() >= s.address() && runtime - libc.base() < s.address() + s.fileSize())
                    .findFirst().orElseThrow();
            assertEquals(runtime - libc.base() - text.address() + text.offset(), offset, name);
        }
    }

    @Test
    void aMissingFunctionIsAClearError() throws Exception {
        ElfBinary elf = ElfBinary.read(Mapped.libc().path());
        ElfException e = assertThrows(ElfException.class, () -> elf.functionOffset("no_such_function_here"));
        assertTrue(e.getMessage().endsWith("defines no function 'no_such_function_here' in .symtab or .dynsym"),
                e.getMessage());
        assertTrue(elf.functions("stdout").isEmpty(), "a data symbol is no function");
    }

    @Test
    void filesThatAreNoExecutableOrLibraryAreRefused() throws Exception {
        ElfException bpf = assertThrows(ElfException.class,
                () -> ElfBinary.read(Path.of("../testdata/sections.bpf.o")));
        assertTrue(bpf.getMessage().contains("neither an executable nor a shared object: e_type is 1"), bpf.getMessage());
        assertThrows(ElfException.class, () -> ElfBinary.parse(MemorySegment.ofArray(new byte[10])));
        assertThrows(ElfException.class, () -> ElfBinary.parse(MemorySegment.ofArray("not an ELF file at all, no"
                .repeat(4).getBytes())));
        byte[] libc = Files.readAllBytes(Mapped.libc().path());
        // Cut short inside the section headers (at the end of the file): no read runs past the bytes.
        byte[] cut = Arrays.copyOf(libc, libc.length - 100);
        ElfException truncated = assertThrows(ElfException.class,
                () -> ElfBinary.parse(MemorySegment.ofArray(cut)).functionOffset("getpid"));
        assertTrue(truncated.getMessage().contains("runs past the end of the file"), truncated.getMessage());
    }
}
