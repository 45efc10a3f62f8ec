package io.bpfring.dwarf;

import io.bpfring.btf.Btf;
import io.bpfring.BtfException;
import io.bpfring.ElfException;
import io.bpfring.elf.ElfFile;
import io.bpfring.elf.Section;
import io.bpfring.testing.Fixtures;
import io.bpfring.testing.Mutator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutants of the small fixtures' DWARF (mostly {@code .debug_info}, {@code .debug_abbrev} and
 * {@code .debug_str_offsets}) are read or refused with a {@link DwarfException} (an
 * {@link ElfException} when the mutation hit the ELF structure); nothing else comes out.
 */
class DwarfFuzzTest {
    @Test
    void mutantsFailOnlyWithDwarfOrElfException() throws IOException {
        List<Path> objects = new ArrayList<>();
        for (Path path : Fixtures.objects()) {
            // The objects built on vmlinux.h carry 200 KB of DWARF: a tenth of a second a mutant.
            if (ElfFile.read(path).section(".debug_info").filter(s -> s.size() < 16 * 1024).isPresent()) {
                objects.add(path);
            }
        }
        int rejected = 0;
        int mutants = Mutator.MUTANTS / 2 / objects.size();
        for (int o = 0; o < objects.size(); o++) {
            byte[] bytes = Files.readAllBytes(objects.get(o));
            ElfFile elf = ElfFile.parse(bytes.clone());
            List<Integer> hot = new ArrayList<>();
            for (String name : List.of(".debug_info", ".debug_abbrev", ".debug_str_offsets")) {
                Section s = elf.section(name).orElseThrow();
                hot.add((int) s.offset());
                hot.add((int) (s.offset() + s.size()));
            }
            Mutator mutator = new Mutator(Mutator.SEED + o, hot.stream().mapToInt(Integer::intValue).toArray());
            for (int i = 0; i < mutants; i++) {
                Mutator.Mutation m = mutator.mutate(bytes);
                try {
                    Btf types = DwarfTypes.read(ElfFile.parse(MemorySegment.ofArray(bytes).asSlice(0, m.length())));
                    for (int id = 1; id < types.typeCount(); id++) {
                        try {
                            types.definition(id);
                            types.sizeOf(id);
                        } catch (BtfException e) {
                            // A cycle the DWARF described, or a type without a size: refused, as it should be.
                        }
                    }
                } catch (ElfException e) { // a DwarfException is one
                    rejected++;
                    assertTrue(e.getMessage() != null && e.getMessage().length() > 10, e.toString());
                } catch (Throwable t) {
                    fail(objects.get(o).getFileName() + " mutant " + i + " (" + m + ", seed " + Mutator.SEED + "): " + t, t);
                } finally {
                    m.undo(bytes);
                }
            }
        }
        assertTrue(rejected > 0, "no mutant was rejected: the mutations do nothing");
    }
}
