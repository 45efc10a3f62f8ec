package io.bpfring.decode;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfKind;
import io.bpfring.testing.Fixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every struct and union of the running kernel's BTF, and of every fixture object: each compiles
 * to a decoder, and random bytes, cut at random lengths, decode to valid JSON and table rows
 * without reading outside the record.
 */
class DecodeKernelTest {
    private static Btf kernel;

    @BeforeAll
    static void parse() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(Btf.KERNEL), "the kernel publishes no BTF at " + Btf.KERNEL);
        kernel = Btf.kernel();
    }

    @Test
    void taskStructWithItsBitfieldsAndAnonymousUnions() {
        RecordDecoder task = RecordDecoder.forStruct(kernel, "task_struct");
        assertEquals(kernel.sizeOf(kernel.find("task_struct", BtfKind.STRUCT).orElseThrow()), task.size());
        List<String> fields = task.fieldNames();
        assertTrue(fields.contains("pid") && fields.contains("comm") && fields.contains("__state"), fields.toString());
        byte[] bytes = new byte[task.size()];
        new Random(1).nextBytes(bytes);
        Map<String, Object> json = Json.object(task.toJson(MemorySegment.ofArray(bytes)));
        assertEquals(fields, List.copyOf(json.keySet()));
        assertTrue(json.get("comm") instanceof String);
    }

    @Test
    void everyKernelStructDecodesGarbage() {
        assertEquals(List.of(), decodeEvery(kernel, 2));
    }

    @Test
    void everyFixtureStructDecodesGarbage() throws IOException {
        for (Path object : Fixtures.objects()) {
            assertEquals(List.of(), decodeEvery(Records.btf(object.getFileName().toString()), 20), object.toString());
        }
    }

    /** Decodes random records with every struct and union; returns what went wrong. */
    private static List<String> decodeEvery(Btf btf, int records) {
        Random random = new Random(7);
        List<String> failures = new ArrayList<>();
        TextBuffer out = new TextBuffer();
        int decoders = 0;
        for (int id = 1; id < btf.typeCount(); id++) {
            BtfKind kind = btf.kind(id);
            if (kind != BtfKind.STRUCT && kind != BtfKind.UNION) {
                continue;
            }
            RecordDecoder decoder;
            try {
                decoder = RecordDecoder.forType(btf, id);
            } catch (DecodeException e) {
                failures.add(btf.typeName(id) + ": " + e.getMessage());
                continue;
            }
            decoders++;
            for (int r = 0; r < records; r++) {
                int length = r == 0 ? decoder.size() + random.nextInt(16) : random.nextInt(decoder.size() + 1);
                byte[] bytes = new byte[length];
                random.nextBytes(bytes);
                MemorySegment record = MemorySegment.ofArray(bytes); // a read past it throws
                try {
                    out.clear();
                    decoder.writeJson(record, out);
                    Json.parse(out.toString());
                    out.clear();
                    decoder.writeRow(record, out);
                    assertEquals(out.toString().length() - 1, out.toString().indexOf('\n'), "one line");
                } catch (RuntimeException | AssertionError e) {
                    failures.add(decoder + " on " + length + " bytes: " + e);
                }
            }
        }
        assertTrue(decoders > 0);
        return failures;
    }
}
