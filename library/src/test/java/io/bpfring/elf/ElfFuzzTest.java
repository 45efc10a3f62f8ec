package io.bpfring.elf;

import io.bpfring.ElfException;
import io.bpfring.testing.Fixtures;
import io.bpfring.testing.Mutator;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutants of the fixture objects (truncations, flipped bytes, fields set to edge values) either
 * parse or fail with an {@link ElfException} that says something; nothing else ever comes out.
 * {@code -Dbpfring.fuzz.mutants} and {@code -Dbpfring.fuzz.seed} scale and vary the run.
 */
class ElfFuzzTest {
    @Test
    void mutantsFailOnlyWithElfException() throws IOException {
        List<Path> objects = Fixtures.objects();
        int rejected = 0;
        for (int o = 0; o < objects.size(); o++) {
            byte[] bytes = Files.readAllBytes(objects.get(o));
            int shoff = (int) ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(40);
            // Structure: the ELF header and the section header table; the rest is mostly payload.
            Mutator mutator = new Mutator(Mutator.SEED + o, 0, 64, shoff, bytes.length);
            int mutants = Mutator.MUTANTS / objects.size();
            for (int i = 0; i < mutants; i++) {
                Mutator.Mutation m = mutator.mutate(bytes);
                try {
                    exercise(MemorySegment.ofArray(bytes).asSlice(0, m.length()));
                } catch (ElfException e) {
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

    /** Everything a loader would look at. */
    static void exercise(MemorySegment file) {
        ElfFile elf = ElfFile.parse(file);
        for (Section s : elf.sections()) {
            MemorySegment data = s.data();
            if (data.byteSize() > 0) {
                data.get(ValueLayout.JAVA_BYTE, 0);
                data.get(ValueLayout.JAVA_BYTE, data.byteSize() - 1);
            }
            for (Relocation r : elf.relocations(s)) {
                assertFalse(r.offset() < 0 || r.offset() + r.type().width() > s.size());
                if (r.symbol().inSection()) {
                    elf.section(r.symbol().sectionIndex());
                }
            }
            elf.section(s.name());
        }
        for (Symbol s : elf.symbols()) {
            if (s.inSection()) {
                elf.section(s.sectionIndex());
            }
        }
    }
}
