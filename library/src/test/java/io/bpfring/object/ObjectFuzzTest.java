package io.bpfring.object;

import io.bpfring.elf.ElfFile;
import io.bpfring.elf.Section;
import io.bpfring.testing.Fixtures;
import io.bpfring.testing.Mutator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutants of the fixture objects open or fail with an {@link ObjectException} that says
 * something; nothing else comes out of opening and linking. Mutations aim at what the loader
 * reads: headers, code, symbols, relocations, {@code .maps}, {@code .BTF} and {@code .BTF.ext}.
 * {@code -Dbpfring.fuzz.mutants} and {@code -Dbpfring.fuzz.seed} scale and vary the run.
 */
class ObjectFuzzTest {
    @Test
    void mutantsFailOnlyWithObjectException() throws IOException {
        List<Path> objects = Fixtures.objects();
        int rejected = 0;
        for (int o = 0; o < objects.size(); o++) {
            byte[] bytes = Files.readAllBytes(objects.get(o));
            Mutator mutator = new Mutator(Mutator.SEED + o, hot(bytes));
            int mutants = Mutator.MUTANTS / objects.size();
            for (int i = 0; i < mutants; i++) {
                Mutator.Mutation m = mutator.mutate(bytes);
                try {
                    ObjectSpec spec = ObjectSpec.parse("fuzz", Arrays.copyOf(bytes, m.length()));
                    spec.programs().forEach(Linker::link);
                } catch (ObjectException e) {
                    rejected++;
                    assertTrue(e.getMessage() != null && e.getMessage().length() > 10, e.toString());
                } catch (Throwable t) {
                    fail(objects.get(o).getFileName() + " mutant " + i + " (" + m + ", seed " + Mutator.SEED + "): "
                            + t, t);
                } finally {
                    m.undo(bytes);
                }
            }
        }
        assertTrue(rejected > 0, "no mutant was rejected: the mutations do nothing");
    }

    /** The ranges a loader interprets: the ELF header, section headers and the sections it reads. */
    private static int[] hot(byte[] bytes) {
        ElfFile elf = ElfFile.parse(bytes.clone());
        List<Integer> ranges = new ArrayList<>(List.of(0, 64));
        long shoff = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(40);
        ranges.addAll(List.of((int) shoff, bytes.length));
        for (Section s : elf.sections()) {
            boolean read = s.isExecutable() || s.type() == Section.SHT_SYMTAB || s.type() == Section.SHT_REL
                    && !s.name().contains("debug") || s.name().equals(".maps") || s.name().startsWith(".BTF");
            if (read && s.size() > 0) {
                ranges.add((int) s.offset());
                ranges.add((int) (s.offset() + s.size()));
            }
        }
        return ranges.stream().mapToInt(Integer::intValue).toArray();
    }
}
