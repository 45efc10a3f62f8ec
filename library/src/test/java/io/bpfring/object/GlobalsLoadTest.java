package io.bpfring.object;

import io.bpfring.SyscallException;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.MapType;
import io.bpfring.link.Link;
import io.bpfring.ringbuf.RingBufReader;
import io.bpfring.testing.Kernel;
import io.bpfring.testing.Syscalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.bpfring.object.ObjectTesting.le;
import static io.bpfring.object.ObjectTesting.open;
import static io.bpfring.object.ObjectTesting.options;
import static io.bpfring.object.ObjectTesting.string;
import static io.bpfring.object.ObjectTesting.u32;
import static io.bpfring.object.ObjectTesting.u64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** globals.bpf.o loaded and run, every map and value compared with testdata/README.md. */
class GlobalsLoadTest {
    @BeforeEach
    void requireKernel() throws IOException {
        Kernel.require();
        ObjectTesting.removePins();
    }

    @AfterEach
    void unpin() throws IOException {
        ObjectTesting.removePins();
    }

    private static int configInt(String name) {
        String v = Kconfig.system().value(name).orElse("0");
        return switch (v) {
            case "y" -> 1;
            case "m" -> 2;
            case "n" -> 0;
            default -> Integer.parseInt(v);
        };
    }

    @Test
    void theSyscallProgramSeesEveryGlobalAndWritesEveryMap() throws IOException {
        try (BpfObject o = open("globals.bpf.o").load(options())) {
            assertEquals(42, o.program("globals_run").testRun(MemorySegment.NULL));

            ByteBuffer r = le(o.readVariable("result"));
            assertEquals(1, r.getLong(0), "runs");
            assertEquals(42, r.getInt(8), "rodata_int");
            assertEquals(1, r.getInt(12), "rodata_bool");
            assertEquals(7, r.getInt(16), "rodata_mode");
            assertEquals(0, r.getInt(20), "targ_tgid");
            assertEquals("fixture", string(r.array(), 24, 16));
            assertEquals(1234, r.getInt(40), "data_int before the increment");
            assertEquals(Kconfig.system().kernelVersion(), r.getInt(44), "LINUX_KERNEL_VERSION");
            assertEquals(1, r.getInt(48), "CONFIG_BPF_SYSCALL");
            assertEquals(configInt("CONFIG_TUN"), r.getInt(52), "CONFIG_TUN");
            assertEquals(configInt("CONFIG_HZ"), r.getInt(56), "CONFIG_HZ");
            assertEquals(0, r.getInt(60), "CONFIG_FIXTURE_NOT_A_REAL_OPTION");
            assertEquals(100, r.getLong(64), "data_array_sum");
            assertEquals("hello from .rodata.str1.1", string(r.array(), 72, 32));
            assertEquals(99, r.getLong(104), "inner_value");

            assertEquals(1235, le(o.readVariable("data_int")).getInt(0));
            assertEquals(1, u64(o.readVariable("bss_runs")));
            assertEquals(42, value(o, "hash_map", 1));
            assertEquals(Kconfig.system().kernelVersion(), value(o, "hash_map", 2));
            for (int i = 0; i < 4; i++) {
                assertEquals(20L * (i + 1), value(o, "array_map", i));
            }
            byte[] perCpu = o.map("percpu_map").lookup(u32(0)).orElseThrow();
            long sum = 0;
            for (int at = 0; at < perCpu.length; at += 8) {
                sum += le(perCpu).getLong(at);
            }
            assertEquals(1, sum, "percpu_map[0] over all CPUs");
            assertEquals(4242, value(o, "lru_map", 42));
            assertEquals(77, value(o, "sized_hash", 7));
            assertEquals(1, value(o, "fixture_pinned", 0));
            assertEquals(11, value(o, "inner_a", 0));
            assertEquals(99, value(o, "inner_b", 0));

            List<byte[]> records = new ArrayList<>();
            try (RingBufReader reader = RingBufReader.of(o.map("odd_ring", MapType.RINGBUF), rec -> {
                records.add(rec.toByteArray());
                return true;
            })) {
                assertEquals(1, reader.consume());
            }
            assertArrayEquals(o.readVariable("result"), records.getFirst(), "the ring got a copy of result");
        }
    }

    private static long value(BpfObject o, String map, int key) {
        return u64(o.map(map).lookup(u32(key)).orElseThrow());
    }

    @Test
    void mapsAreCreatedAsLibbpfCreatesThem() throws IOException {
        try (BpfObject o = open("globals.bpf.o").load(options())) {
            assertEquals(16384, o.map("odd_ring").info().maxEntries(), "10000 rounded to page_size * 2^n");
            BpfMap.Info rodata = o.map("globals.rodata").info();
            assertEquals(new BpfMap.Info(MapType.ARRAY, rodata.id(), 4, 32, 1, 0x480, 0, "globals.rodata",
                    rodata.btfId()), rodata);
            assertTrue(rodata.btfId() > 0, "internal maps carry their DATASEC");
            assertEquals(0x400, o.map("globals.data").info().flags());
            assertEquals(0x400, o.map("globals.bss").info().flags());
            assertEquals(0x80, o.map(".rodata.str1.1").info().flags(), "no DATASEC: not mmapable");
            assertEquals(0, o.map(".rodata.str1.1").info().btfId());
            assertEquals(0x480, o.map("globals.kconfig").info().flags());

            SyscallException frozen = assertThrows(SyscallException.class,
                    () -> o.map("globals.rodata").update(u32(0), new byte[32], BpfMap.ANY));
            assertEquals("EPERM", frozen.errnoName(), "frozen after its contents were written");

            // .kconfig laid out as libbpf lays it out: CONFIG_HZ@0, CONFIG_TUN@4, LINUX_KERNEL_VERSION@8,
            // CONFIG_BPF_SYSCALL@12, CONFIG_FIXTURE_NOT_A_REAL_OPTION@13.
            ByteBuffer k = le(o.map("globals.kconfig").lookup(u32(0)).orElseThrow());
            assertEquals(14, k.capacity());
            assertEquals(configInt("CONFIG_HZ"), k.getInt(0));
            assertEquals(configInt("CONFIG_TUN"), k.getInt(4));
            assertEquals(Kconfig.system().kernelVersion(), k.getInt(8));
            assertEquals(1, k.get(12));
            assertEquals(0, k.get(13));
        }
    }

    @Test
    void aPinnedMapIsPinnedByNameAndReusedByTheNextLoad() throws IOException {
        ObjectSpec spec = open("globals.bpf.o");
        try (BpfObject first = spec.load(options())) {
            first.program("globals_run").testRun(MemorySegment.NULL);
            assertTrue(Files.exists(ObjectTesting.pinRoot().resolve("fixture_pinned")));
        }
        assertTrue(Files.exists(ObjectTesting.pinRoot().resolve("fixture_pinned")), "pins outlive the object");
        try (BpfObject second = spec.load(options())) {
            second.program("globals_run").testRun(MemorySegment.NULL);
            assertEquals(2, value(second, "fixture_pinned", 0), "the same map, counting on");
        }
    }

    @Test
    void settingConstVolatilesBeforeLoadChangesWhatTheProgramDoes() throws IOException {
        ObjectSpec spec = open("globals.bpf.o");
        spec.variable("rodata_int").set("7");
        spec.variable("rodata_name").set("edited");
        spec.variable("rodata_mode").set("FIXTURE_MODE_OFF");
        spec.variable("data_int").setLong(-5);
        try (BpfObject o = spec.load(options())) {
            assertEquals(7, o.program("globals_run").testRun(MemorySegment.NULL));
            ByteBuffer r = le(o.readVariable("result"));
            assertEquals(7, r.getInt(8));
            assertEquals(0, r.getInt(16), "FIXTURE_MODE_OFF");
            assertEquals("edited", string(r.array(), 24, 16));
            assertEquals(-5, r.getInt(40));
            assertEquals("", string(r.array(), 72, 32), "no message unless the mode is ECHO");
            assertEquals(7, value(o, "hash_map", 1));
        }
    }

    @Test
    void theTracepointProgramCountsOnlyTheTargetProcessWhileTheBoolIsSet() throws IOException {
        ObjectSpec spec = open("globals.bpf.o");
        spec.variable("targ_tgid").setLong(ProcessHandle.current().pid());
        spec.program("globals_run").setAutoload(false);
        try (BpfObject o = spec.load(options())) {
            assertEquals(List.of("globals_getpgid"), List.copyOf(o.programs().keySet()));
            try (Link link = o.attach("globals_getpgid")) {
                for (int i = 0; i < 5; i++) {
                    Syscalls.getpgid(0);
                }
            }
            assertEquals(5, u64(o.readVariable("bss_getpgid_calls")));
        }
        spec.variable("rodata_bool").setBoolean(false);
        try (BpfObject o = spec.load(options());
             Link link = o.attach("globals_getpgid")) {
            Syscalls.getpgid(0);
            assertEquals(0, u64(o.readVariable("bss_getpgid_calls")));
        }
    }

    @Test
    void everyProgramHoldsTheReadOnlyDataMapsItDoesNotUse() throws IOException {
        ObjectSpec spec = open("globals.bpf.o");
        List<String> rodata = spec.maps().stream().filter(m -> m.kind() == MapSpec.Kind.RODATA).map(MapSpec::name)
                .toList();
        assertEquals(List.of("globals.rodata", ".rodata.str1.1"), rodata);
        try (BpfObject o = spec.load(options())) {
            assertEquals(2, o.programs().size());
            for (BpfProgram program : o.programs().values()) {
                Set<Integer> held = Arrays.stream(program.mapIds()).boxed().collect(Collectors.toSet());
                for (String name : rodata) {
                    // globals_getpgid reads .rodata but not the string literals of .rodata.str1.1.
                    assertTrue(held.contains(o.map(name).info().id()), program.name() + " holds " + name);
                }
                assertTrue(held.contains(o.map("hash_map").info().id()) == program.name().equals("globals_run"),
                        "a map of .maps only where the program uses it");
            }
        }
    }
}
