package io.bpfring.btf;

import io.bpfring.BtfException;
import io.bpfring.elf.ElfFile;
import io.bpfring.testing.Fixtures;
import io.bpfring.testing.Mutator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutants of the fixtures' {@code .BTF} and {@code .BTF.ext} and of the kernel's BTF either
 * parse, and then every lookup, rendering and write-back works or fails with a
 * {@link BtfException}, or fail to parse with one. Nothing else ever comes out: no index out of
 * bounds, no stack overflow, no out of memory. {@code -Dbpfring.fuzz.mutants} and
 * {@code -Dbpfring.fuzz.seed} scale and vary the run.
 */
class BtfFuzzTest {
    private record Blobs(byte[] btf, byte[] ext) {
    }

    private static List<Blobs> objectBlobs() throws IOException {
        return Fixtures.objects().stream().map(BtfFuzzTest::blobs).toList();
    }

    private static Blobs blobs(Path path) {
        try {
            ElfFile elf = ElfFile.read(path);
            return new Blobs(elf.section(".BTF").orElseThrow().data().toArray(ValueLayout.JAVA_BYTE),
                    elf.section(".BTF.ext").orElseThrow().data().toArray(ValueLayout.JAVA_BYTE));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void objectBtfMutantsFailOnlyWithBtfException() throws IOException {
        List<Blobs> objects = objectBlobs();
        int rejected = 0;
        int mutants = Mutator.MUTANTS / objects.size();
        for (int o = 0; o < objects.size(); o++) {
            Blobs blobs = objects.get(o);
            int typeEnd = 24 + MemorySegment.ofArray(blobs.btf).get(Btf.U32, 12);
            Mutator btfMutator = new Mutator(Mutator.SEED + o, 0, typeEnd);
            Mutator extMutator = new Mutator(Mutator.SEED + 100 + o, 0, blobs.ext.length);
            for (int i = 0; i < mutants; i++) {
                boolean ext = i % 3 == 2;
                byte[] target = ext ? blobs.ext : blobs.btf;
                Mutator.Mutation m = (ext ? extMutator : btfMutator).mutate(target);
                try {
                    MemorySegment btf = MemorySegment.ofArray(blobs.btf);
                    MemorySegment extData = MemorySegment.ofArray(blobs.ext);
                    if (ext) {
                        extData = extData.asSlice(0, m.length());
                    } else {
                        btf = btf.asSlice(0, m.length());
                    }
                    Btf parsed = Btf.parse(btf);
                    exerciseAll(parsed);
                    BtfExt.parse(extData, parsed);
                } catch (BtfException e) {
                    rejected++;
                    assertTrue(e.getMessage() != null && e.getMessage().length() > 10, e.toString());
                } catch (Throwable t) {
                    fail("object " + o + " " + (ext ? ".BTF.ext" : ".BTF") + " mutant " + i + " (" + m + ", seed "
                            + Mutator.SEED + "): " + t, t);
                } finally {
                    m.undo(target);
                }
            }
        }
        assertTrue(rejected > mutants / 10, "only " + rejected + " mutants rejected: the mutations do little");
    }

    @Test
    void kernelBtfMutantsFailOnlyWithBtfException() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(Btf.KERNEL), "the kernel publishes no BTF at " + Btf.KERNEL);
        byte[] bytes = Files.readAllBytes(Btf.KERNEL);
        int typeEnd = 24 + MemorySegment.ofArray(bytes).get(Btf.U32, 12);
        Mutator mutator = new Mutator(Mutator.SEED, 0, typeEnd);
        // A mutant of vmlinux costs a full parse (milliseconds): a twentieth as many.
        int mutants = Math.max(1, Mutator.MUTANTS / 20);
        int rejected = 0;
        for (int i = 0; i < mutants; i++) {
            Mutator.Mutation m = mutator.mutate(bytes);
            try {
                Btf btf = Btf.parse(MemorySegment.ofArray(bytes).asSlice(0, m.length()));
                btf.find("task_struct", BtfKind.STRUCT);
                for (int at : m.positions()) {
                    int id = typeAt(btf, at - 24);
                    for (int near = Math.max(1, id - 2); near < Math.min(btf.typeCount(), id + 3); near++) {
                        exercise(btf, near);
                    }
                }
            } catch (BtfException e) {
                rejected++;
                assertTrue(e.getMessage() != null && e.getMessage().length() > 10, e.toString());
            } catch (Throwable t) {
                fail("vmlinux mutant " + i + " (" + m + ", seed " + Mutator.SEED + "): " + t, t);
            } finally {
                m.undo(bytes);
            }
        }
        assertTrue(rejected > 0, "no mutant was rejected: the mutations do nothing");
        assertEquals(Btf.kernel().typeCount(), Btf.parse(bytes).typeCount(), "every mutation was undone");
    }

    /** The type whose bytes hold byte {@code at} of the type section, or 1. */
    private static int typeAt(Btf btf, int at) {
        int lo = btf.firstId();
        int hi = btf.typeCount() - 1;
        if (at < 0 || hi < lo) {
            return 1;
        }
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (btf.offset(mid) <= at) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Every operation on every type, then a write-back that must parse to the same types. */
    private static void exerciseAll(Btf btf) {
        for (int id = 0; id < btf.typeCount(); id++) {
            exercise(btf, id);
        }
        BtfWriter writer = BtfWriter.of(btf);
        for (int id = btf.firstId(); id < btf.typeCount(); id++) {
            writer.set(id, btf.type(id));
        }
        Btf back = Btf.parse(writer.toBytes());
        for (int id = 0; id < btf.typeCount(); id++) {
            assertEquals(btf.type(id), back.type(id), "type id " + id + " after write-back");
        }
    }

    private static void exercise(Btf btf, int id) {
        BtfType type = btf.type(id);
        assertEquals(btf.kind(id), type.kind());
        String name = btf.name(id);
        tolerate(() -> btf.resolve(id));
        tolerate(() -> btf.skipQualifiers(id));
        tolerate(() -> btf.sizeOf(id));
        tolerate(() -> btf.typeName(id));
        tolerate(() -> btf.definition(id));
        if (!name.isEmpty()) {
            btf.find(name, type.kind());
            btf.findAll(name);
        }
    }

    /** Runs an operation that may rightly refuse bad input with a BtfException. */
    private static void tolerate(Runnable operation) {
        try {
            operation.run();
        } catch (BtfException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
        }
    }
}
