package io.bpfring.decode;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfKind;
import io.bpfring.testing.Fixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Records generated from structs compile with every lint on, and decode records (and view them
 * in place) to the same values as the run-time view, which reads what the JSON decoder writes.
 */
class DecodeGeneratedTest {
    @TempDir
    Path classes;

    private static Object call(Object target, String method, Object... args) {
        try {
            for (Method m : target.getClass().getMethods()) {
                if (m.getName().equals(method) && m.getParameterCount() == args.length) {
                    return m.invoke(target, args);
                }
            }
            throw new AssertionError(target.getClass() + " has no method " + method);
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new AssertionError(e.getCause());
        }
    }

    private static Object decode(Class<?> record, MemorySegment bytes) {
        try {
            return record.getMethod("decode", MemorySegment.class).invoke(null, bytes);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void execEvent() throws Exception {
        String source = RecordGenerator.generate(Records.btf("execsnoop_perfbuf.bpf.o"), "event", "gen.exec", "Event");
        assertTrue(source.contains("public record Event(int pid, String comm, String filename) {"), source);
        Class<?> event = Compiled.compile(Map.of("gen.exec.Event", source), classes).loadClass("gen.exec.Event");
        Object e = decode(event, Records.execEvent(3232062, "sh", "/bin/sh"));
        assertEquals("Event[pid=3232062, comm=sh, filename=/bin/sh]", e.toString());
        Object view = event.getClassLoader().loadClass("gen.exec.Event$View").getConstructor().newInstance();
        call(view, "wrap", Records.execEvent(7, "true", "/bin/true"));
        assertEquals(7, call(view, "pid"));
        assertEquals("true", call(view, "comm"));
        assertEquals(16L, ((MemorySegment) call(view, "commBytes")).byteSize());
        assertEquals("Event[pid=7, comm=true, filename=/bin/true]", call(view, "toRecord").toString());
        assertThrows(IllegalArgumentException.class, () -> call(view, "wrap", MemorySegment.ofArray(new byte[531])));
        // In place in a ring's memory, without a slice.
        MemorySegment ring = MemorySegment.ofArray(new byte[1024]);
        MemorySegment.copy(Records.execEvent(8, "ls", "/bin/ls"), 0, ring, 200, 532);
        call(view, "wrap", ring, 200L, 532L);
        assertEquals("ls", call(view, "comm"));
        assertEquals("Event[pid=8, comm=ls, filename=/bin/ls]", event.getMethod("decode", MemorySegment.class,
                long.class, long.class).invoke(null, ring, 200L, 532L).toString());
        assertThrows(IndexOutOfBoundsException.class, () -> call(view, "wrap", ring, 600L, 532L));
        // A short record decodes as if zero-filled.
        Object cut = decode(event, Records.execEvent(9, "sh", "/bin/sh").asSlice(0, 8));
        assertEquals("Event[pid=9, comm=sh, filename=]", cut.toString());
    }

    @Test
    void everyKindOfMember() throws Exception {
        String source = RecordGenerator.generate(DecodeSampleTest.BTF, "decode_sample", "gen.sample", null);
        ClassLoader loader = Compiled.compile(Map.of("gen.sample.DecodeSample", source), classes);
        Class<?> sample = loader.loadClass("gen.sample.DecodeSample");
        MemorySegment record = MemorySegment.ofArray(DecodeSampleTest.SAMPLE);
        StructView fields = StructView.of(DecodeSampleTest.BTF, "decode_sample");
        Object decoded = decode(sample, record);
        same(decoded, fields, record, "decode_sample");

        assertEquals(List.of("byte", "int", "short", "boolean", "long", "BigInteger", "float", "double", "DecodePoint"),
                types(sample, "s8", "u16", "s16", "flag", "u32", "u128", "f", "d", "at"));
        Object view = loader.loadClass("gen.sample.DecodeSample$View").getConstructor().newInstance();
        call(view, "wrap", record);
        assertEquals(4_000_000_000L, call(view, "u32"));
        assertEquals(6, call(view, "matrix", 1, 2));
        assertEquals("three", call(view, "names", 2));
        assertEquals((short) -2, call(call(view, "path", 1), "y"));
        assertEquals((short) -3, call(call(view, "at"), "x"));
        assertEquals(0x4000000000000001L, call(call(view, "packed"), "wide"));
        assertThrows(IndexOutOfBoundsException.class, () -> call(view, "matrix", 2, 0));
        same(call(view, "toRecord"), fields, record, "view");
        Class<?> color = loader.loadClass("gen.sample.DecodeSample$DecodeColor");
        assertEquals("DECODE_BLUE", color.getMethod("name", long.class).invoke(null, call(view, "color")));
        assertEquals(4294967295L, color.getField("DECODE_NEGATIVE").get(null));
        assertEquals("7", color.getMethod("name", long.class).invoke(null, 7L));

        byte[] longer = Arrays.copyOf(DecodeSampleTest.SAMPLE, 210);
        longer[204] = 'o';
        longer[205] = 'k';
        assertEquals("ok", call(decode(sample, MemorySegment.ofArray(longer)), "tail"));
    }

    private static List<String> types(Class<?> record, String... names) {
        Map<String, String> types = new LinkedHashMap<>();
        for (RecordComponent c : record.getRecordComponents()) {
            types.put(c.getName(), c.getType().getSimpleName());
        }
        return Arrays.stream(names).map(types::get).toList();
    }

    /**
     * The structs and unions of the fixtures (of those with the kernel's types, every eighth, to
     * keep compiling short): generated, compiled together, same values on random records.
     */
    @Test
    void fixtureStructs() throws IOException {
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, StructView> views = new LinkedHashMap<>();
        List<Path> objects = Fixtures.objects();
        for (int o = 0; o < objects.size(); o++) {
            Btf btf = Records.btf(objects.get(o).getFileName().toString());
            List<Integer> structs = new ArrayList<>();
            for (int id = 1; id < btf.typeCount(); id++) {
                if (btf.kind(id) == BtfKind.STRUCT || btf.kind(id) == BtfKind.UNION) {
                    structs.add(id);
                }
            }
            for (int k = 0; k < structs.size(); k += structs.size() > 20 ? 8 : 1) {
                int id = structs.get(k);
                String name = "gen.fixture" + o + ".T" + id;
                sources.put(name, RecordGenerator.generate(btf, id, "gen.fixture" + o, "T" + id));
                views.put(name, StructView.of(btf, id));
            }
        }
        compareOnRandomRecords(sources, views, 3);
    }

    /** Kernel structs: bitfields, anonymous unions, members named like Java keywords ({@code private}, {@code new}). */
    @Test
    void kernelStructs() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(Btf.KERNEL), "no kernel BTF");
        Btf kernel = Btf.kernel();
        Map<String, String> sources = new LinkedHashMap<>();
        Map<String, StructView> views = new LinkedHashMap<>();
        for (String struct : List.of("sk_buff", "file", "page", "trace_event_raw_sys_enter", "bpf_attr",
                "perf_event_attr")) {
            String name = "gen.kernel." + JavaNames.type(struct);
            sources.put(name, RecordGenerator.generate(kernel, struct, "gen.kernel", null));
            views.put(name, StructView.of(kernel, struct));
        }
        compareOnRandomRecords(sources, views, 2);
        DecodeException e = assertThrows(DecodeException.class,
                () -> RecordGenerator.generate(kernel, "task_struct", "gen.kernel", null));
        assertTrue(e.getMessage().contains("more than a Java record can hold"), e.getMessage());
    }

    private void compareOnRandomRecords(Map<String, String> sources, Map<String, StructView> views, int records) {
        ClassLoader loader = Compiled.compile(sources, classes);
        Random random = new Random(11);
        views.forEach((name, fields) -> {
            Class<?> type;
            try {
                type = loader.loadClass(name);
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
            for (int r = 0; r < records; r++) {
                byte[] bytes = new byte[r == 0 ? fields.size() : random.nextInt(fields.size() + 1)];
                random.nextBytes(bytes);
                // What decode reads a short record as: zero-filled.
                MemorySegment full = MemorySegment.ofArray(Arrays.copyOf(bytes, Math.max(bytes.length, fields.size())));
                same(decode(type, MemorySegment.ofArray(bytes)), fields, full, name);
            }
        });
    }

    private static void same(Object record, StructView view, MemorySegment bytes, String where) {
        RecordComponent[] components = record.getClass().getRecordComponents();
        List<FieldAccessor> fields = view.fields();
        assertEquals(fields.size(), components.length, where);
        for (int i = 0; i < components.length; i++) {
            same(value(record, components[i]), fields.get(i), bytes, where + "." + fields.get(i).name());
        }
    }

    private static Object value(Object record, RecordComponent c) {
        try {
            return c.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** A generated value against what the run-time accessor reads from the same bytes. */
    private static void same(Object generated, FieldAccessor field, MemorySegment bytes, String where) {
        switch (field.kind()) {
            case INTEGER, ENUM -> {
                BigInteger expected = field.getBigInteger(bytes);
                if (generated instanceof BigInteger b) {
                    assertEquals(expected, b, where);
                } else {
                    long value = ((Number) generated).longValue();
                    assertEquals(expected.longValue(), value, where);
                    assertTrue(value >= 0 || expected.signum() < 0 || expected.bitLength() == 64,
                            where + ": " + value + " is negative, " + expected + " is not");
                }
            }
            case BOOLEAN -> assertEquals(field.getBoolean(bytes), generated, where);
            case FLOAT -> {
                double value = ((Number) generated).doubleValue();
                double expected = field.getDouble(bytes);
                assertTrue(Double.compare(expected, value) == 0 || (float) expected == (float) value, where);
            }
            case POINTER -> assertEquals(field.getLong(bytes), generated, where);
            case STRING -> assertEquals(field.getString(bytes), generated, where);
            case STRUCT -> {
                RecordComponent[] components = generated.getClass().getRecordComponents();
                List<FieldAccessor> fields = field.fields();
                assertEquals(fields.size(), components.length, where);
                for (int i = 0; i < components.length; i++) {
                    same(value(generated, components[i]), fields.get(i), bytes, where + "." + fields.get(i).name());
                }
            }
            case ARRAY -> {
                assertEquals(field.count(bytes), Array.getLength(generated), where);
                for (int i = 0; i < field.count(bytes); i++) {
                    same(Array.get(generated, i), field.element(i), bytes, where + "[" + i + "]");
                }
            }
        }
        if (field.kind() == FieldKind.STRING) {
            assertInstanceOf(String.class, generated);
        }
    }
}
