package io.bpfring.btf;

import io.bpfring.BtfException;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The running kernel's BTF: facts that hold on every kernel this project supports. */
class KernelBtfTest {
    private static Btf kernel;

    @BeforeAll
    static void parse() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(Btf.KERNEL), "the kernel publishes no BTF at " + Btf.KERNEL);
        kernel = Btf.kernel();
    }

    private static int id(String name, BtfKind kind) {
        OptionalInt id = kernel.find(name, kind);
        assertTrue(id.isPresent(), kind + " " + name + " not found");
        return id.getAsInt();
    }

    @Test
    void taskStructHasPidOfTypePidT() {
        int task = id("task_struct", BtfKind.STRUCT);
        BtfType.Struct struct = assertInstanceOf(BtfType.Struct.class, kernel.type(task));
        assertEquals("task_struct", struct.name());
        assertEquals(struct.size(), kernel.sizeOf(task));
        BtfType.Member pid = struct.member("pid").orElseThrow();
        assertEquals(BtfKind.TYPEDEF, kernel.kind(pid.type()));
        assertEquals("pid_t", kernel.name(pid.type()));
        assertEquals("pid_t", kernel.typeName(pid.type()));
        assertEquals(4, kernel.sizeOf(pid.type()));
        assertEquals(0, pid.bitOffset() % 32, "pid is int-aligned");
        BtfType.Int i = assertInstanceOf(BtfType.Int.class, kernel.type(kernel.resolve(pid.type())));
        assertEquals("int", i.name());
        assertTrue(i.isSigned());
        assertEquals(32, i.bits());
        assertEquals("char comm[16]", kernel.declaration(struct.member("comm").orElseThrow().type(), "comm"));
        assertEquals("char[16]", kernel.typeName(struct.member("comm").orElseThrow().type()));
    }

    @Test
    void lookupsByNameAndKind() {
        int attr = id("bpf_attr", BtfKind.UNION);
        assertEquals(BtfKind.UNION, kernel.kind(attr));
        assertTrue(kernel.find("bpf_attr", BtfKind.STRUCT).isEmpty());
        assertTrue(kernel.find("no_such_type_in_any_kernel", BtfKind.STRUCT).isEmpty());
        assertTrue(kernel.find("", BtfKind.STRUCT).isEmpty());
        assertTrue(kernel.findAll("bpf_attr").contains(attr));
        // Every type with a name is found by it, and the lowest id of that kind and name comes first.
        for (int id = 1; id < kernel.typeCount(); id += 97) {
            String name = kernel.name(id);
            if (!name.isEmpty()) {
                int found = kernel.find(name, kernel.kind(id)).orElseThrow();
                assertTrue(found <= id, name);
                assertEquals(name, kernel.name(found));
                assertTrue(kernel.findAll(name).contains(id), name);
            }
        }
    }

    @Test
    void resolvesTypedefAndQualifierChains() {
        int u32 = id("u32", BtfKind.TYPEDEF);
        assertEquals("__u32", kernel.name(kernel.target(u32)));
        assertEquals(id("unsigned int", BtfKind.INT), kernel.resolve(u32));
        assertEquals(u32, kernel.skipQualifiers(u32));
        // list_head's members are plain pointers; a const list_head is one qualifier away.
        int listHead = id("list_head", BtfKind.STRUCT);
        for (int id = 1; id < kernel.typeCount(); id++) {
            if (kernel.kind(id) == BtfKind.CONST && kernel.target(id) == listHead) {
                assertEquals(listHead, kernel.skipQualifiers(id));
                assertEquals("const struct list_head", kernel.typeName(id));
                return;
            }
        }
        throw new AssertionError("no const struct list_head");
    }

    @Test
    void sizes() {
        assertEquals(8, kernel.pointerSize());
        assertEquals(16, kernel.sizeOf(id("list_head", BtfKind.STRUCT)));
        assertEquals(8, kernel.sizeOf(id("u64", BtfKind.TYPEDEF)));
        int task = id("task_struct", BtfKind.STRUCT);
        BtfType.Struct struct = (BtfType.Struct) kernel.type(task);
        assertEquals(16, kernel.sizeOf(struct.member("comm").orElseThrow().type()));
        assertEquals(8, kernel.sizeOf(struct.member("mm").orElseThrow().type()));
        int datasec = id(".data..percpu", BtfKind.DATASEC);
        assertEquals(Integer.toUnsignedLong(kernel.word(datasec, 8)), kernel.sizeOf(datasec));
        int func = id("bpf_prog_load", BtfKind.FUNC);
        BtfException e = org.junit.jupiter.api.Assertions.assertThrows(BtfException.class, () -> kernel.sizeOf(func));
        assertTrue(e.getMessage().contains("has no size"), e.getMessage());
        assertThrowsIae(() -> kernel.type(kernel.typeCount()));
        assertThrowsIae(() -> kernel.kind(-1));
    }

    private static void assertThrowsIae(org.junit.jupiter.api.function.Executable e) {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, e);
    }

    @Test
    void rendersCDefinitions() {
        assertEquals("""
                struct list_head {
                \tstruct list_head *next;
                \tstruct list_head *prev;
                };""", kernel.definition(id("list_head", BtfKind.STRUCT)));
        String mapType = kernel.definition(id("bpf_map_type", BtfKind.ENUM));
        assertTrue(mapType.startsWith("enum bpf_map_type {\n\tBPF_MAP_TYPE_UNSPEC = 0,\n"), mapType);
        assertTrue(mapType.contains("\n\tBPF_MAP_TYPE_RINGBUF = 27,\n"), mapType);
        assertTrue(mapType.contains("\n\tBPF_MAP_TYPE_USER_RINGBUF = 31,\n"), mapType);
        assertTrue(mapType.endsWith(",\n};"), mapType);
        // bpf_attr: a union of anonymous structs, written inline.
        String attr = kernel.definition(id("bpf_attr", BtfKind.UNION));
        assertTrue(attr.startsWith("union bpf_attr {\n\tstruct {\n\t\t__u32 map_type;\n"), attr);
        assertTrue(attr.contains("\n\t};\n"), attr);
        assertEquals("typedef __kernel_pid_t pid_t;", kernel.definition(id("pid_t", BtfKind.TYPEDEF)));
        assertEquals("typedef int __kernel_pid_t;", kernel.definition(id("__kernel_pid_t", BtfKind.TYPEDEF)));
        // A function pointer member: parentheses around the pointer, parameters unnamed.
        BtfType.Struct fops = (BtfType.Struct) kernel.type(id("file_operations", BtfKind.STRUCT));
        BtfType.Member llseek = fops.member("llseek").orElseThrow();
        assertEquals("loff_t (*llseek)(struct file *, loff_t, int)", kernel.declaration(llseek.type(), "llseek"));
        assertEquals("loff_t (*)(struct file *, loff_t, int)", kernel.typeName(llseek.type()));
    }

    @Test
    void bitfields() {
        // struct sk_buff has bitfield members in anonymous structs (pkt_type: 3 bits).
        BtfType.Struct skb = (BtfType.Struct) kernel.type(id("sk_buff", BtfKind.STRUCT));
        assertTrue(skb.bitfieldOffsets());
        BtfType.Member pktType = member(skb, "pkt_type").orElseThrow();
        assertEquals(3, pktType.bitfieldSize());
        assertTrue(kernel.definition(id("sk_buff", BtfKind.STRUCT)).contains("\t__u8 pkt_type: 3;\n"));
    }

    /** The member named {@code name}, looking into anonymous members depth first. */
    private static Optional<BtfType.Member> member(BtfType.Composite c, String name) {
        for (BtfType.Member m : c.members()) {
            if (m.name().equals(name)) {
                return Optional.of(m);
            }
            if (m.name().isEmpty() && kernel.type(kernel.resolve(m.type())) instanceof BtfType.Composite inner) {
                Optional<BtfType.Member> found = member(inner, name);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void everyTypeDecodesAndEveryKindIsThere() {
        Map<BtfKind, Integer> counts = new EnumMap<>(BtfKind.class);
        for (int id = 1; id < kernel.typeCount(); id++) {
            BtfType t = kernel.type(id);
            assertEquals(kernel.kind(id), t.kind());
            assertEquals(kernel.name(id), t.name());
            counts.merge(t.kind(), 1, Integer::sum);
        }
        // BTF of a 6.x kernel built with pahole 1.24+ has every kind but void.
        for (BtfKind kind : BtfKind.values()) {
            if (kind != BtfKind.VOID) {
                assertNotEquals(null, counts.get(kind), "no " + kind + " in vmlinux");
            }
        }
        BtfType.Enum64 callchain = (BtfType.Enum64) kernel.type(id("perf_callchain_context", BtfKind.ENUM64));
        assertFalse(callchain.signed());
        assertEquals(-32L, callchain.values().getFirst().value(), "PERF_CONTEXT_HV is (u64)-32");
    }

    @Test
    void typeCountMatchesBpftool() throws IOException, InterruptedException {
        // Only where bpftool is installed: the types it lists must be the types parsed.
        Process p;
        try {
            p = new ProcessBuilder("bpftool", "btf", "dump", "file", Btf.KERNEL.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("bpftool is not installed");
            return;
        }
        int listed = 0;
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("[")) {
                    listed++;
                    last = line;
                }
            }
        }
        assertEquals(0, p.waitFor());
        assertEquals(listed, kernel.typeCount() - 1);
        int lastId = kernel.typeCount() - 1;
        assertTrue(last.startsWith("[" + lastId + "] " + kernel.kind(lastId) + " '" + kernel.name(lastId) + "'"),
                last);
    }
}
