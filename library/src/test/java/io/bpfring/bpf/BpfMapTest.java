package io.bpfring.bpf;

import io.bpfring.SyscallException;
import io.bpfring.asm.Asm;
import io.bpfring.asm.Reg;
import io.bpfring.sys.BpfAttr;
import io.bpfring.sys.Sys;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BpfMapTest {
    @BeforeEach
    void requireKernel() {
        Kernel.require();
    }

    private static byte[] u32(int value) {
        return new byte[]{(byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24)};
    }

    @Test
    void arrayValuesAreReadAndWritten() {
        try (BpfMap array = BpfMap.array("arr", 8, 4)) {
            assertEquals(MapType.ARRAY, array.type());
            assertArrayEquals(new byte[8], array.lookup(u32(3)).orElseThrow()); // arrays start zeroed
            byte[] value = {1, 2, 3, 4, 5, 6, 7, 8};
            array.update(u32(3), value, BpfMap.ANY);
            assertArrayEquals(value, array.lookup(u32(3)).orElseThrow());
            assertEquals(Optional.empty(), array.lookup(u32(4)), "past the last index");
            SyscallException e = assertThrows(SyscallException.class, () -> array.update(u32(1), value, BpfMap.NO_EXIST));
            assertEquals("EEXIST", e.errnoName());
        }
    }

    @Test
    void perCpuArraysHoldOneValuePerPossibleCpu() {
        int cpus = Cpus.possibleCount();
        try (BpfMap map = BpfMap.perCpuArray("pcpu", 4, 1);
             Arena arena = Arena.ofConfined()) {
            assertEquals(8L * cpus, map.valueBufferSize(), "each CPU's value is 8-aligned");
            MemorySegment key = arena.allocate(JAVA_INT);
            MemorySegment values = arena.allocate(map.valueBufferSize(), 8);
            for (int cpu = 0; cpu < cpus; cpu++) {
                values.set(JAVA_INT, 8L * cpu, 100 + cpu);
            }
            map.update(key, values, BpfMap.ANY);
            MemorySegment read = arena.allocate(map.valueBufferSize(), 8);
            assertTrue(map.lookup(key, read));
            for (int cpu = 0; cpu < cpus; cpu++) {
                assertEquals(100 + cpu, read.get(JAVA_INT, 8L * cpu), "CPU " + cpu);
            }
            assertThrows(IllegalArgumentException.class, () -> map.lookup(key, arena.allocate(4)));
        }
    }

    @Test
    void hashKeysComeAndGo() {
        try (BpfMap hash = BpfMap.hash("h", 4, 8, 16);
             Arena arena = Arena.ofConfined()) {
            for (int k = 1; k <= 3; k++) {
                hash.update(u32(k), new byte[]{(byte) k, 0, 0, 0, 0, 0, 0, 0}, BpfMap.NO_EXIST);
            }
            assertEquals(1, hash.lookup(u32(1)).orElseThrow()[0]);
            assertTrue(hash.delete(u32(2)));
            assertFalse(hash.delete(u32(2)), "deleting an absent key");
            assertTrue(hash.lookup(u32(2)).isEmpty());
            SyscallException e = assertThrows(SyscallException.class, () -> hash.update(u32(9), new byte[8], BpfMap.EXIST));
            assertEquals("ENOENT", e.errnoName());

            Set<Integer> keys = new HashSet<>();
            MemorySegment next = arena.allocate(JAVA_INT);
            MemorySegment key = null;
            while (hash.nextKey(key, next)) {
                keys.add(next.get(JAVA_INT, 0));
                key = arena.allocate(JAVA_INT);
                key.copyFrom(next);
            }
            assertEquals(Set.of(1, 3), keys);
            assertThrows(IllegalArgumentException.class, () -> hash.lookup(new byte[3]));
        }
    }

    @Test
    void ringSizesAreCheckedBeforeTheKernelIsAsked() {
        for (int bad : new int[]{0, 2048, 5000, 6144, 12288}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BpfMap.ringBuf("rb", bad));
            assertTrue(e.getMessage().contains("must be a power of 2 and a multiple of the page size"), e.getMessage());
            assertTrue(e.getMessage().contains("try "), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BpfMap.ringBuf("rb", 5000))
                .getMessage().endsWith("try 8192"));
        try (BpfMap ring = BpfMap.ringBuf("rb", 4096)) {
            assertEquals(4096, ring.maxEntries());
        }
    }

    @Test
    void badNamesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> BpfMap.array("much_too_long_a_name", 8, 1));
        assertThrows(IllegalArgumentException.class, () -> BpfMap.array("no spaces", 8, 1));
    }

    @Test
    void kernelRefusalsNameTheErrnoAndSayWhatToDo() {
        SyscallException e = assertThrows(SyscallException.class, () -> BpfMap.array("huge", 1 << 30, 1 << 30));
        assertTrue(Set.of("E2BIG", "ENOMEM", "EINVAL").contains(e.errnoName()), e.getMessage());
        assertTrue(e.getMessage().startsWith("bpf(BPF_MAP_CREATE ARRAY 'huge') failed: " + e.errnoName() + ": "),
                e.getMessage());
    }

    @Test
    void aPinnedMapOpensWithItsShapeAndData() throws Exception {
        Path pin = Mounts.BPFFS.resolve("bpfring_test_" + ProcessHandle.current().pid());
        try (BpfMap array = BpfMap.array("pinned", 8, 2)) {
            array.update(u32(1), new byte[]{9, 8, 7, 6, 5, 4, 3, 2}, BpfMap.ANY);
            array.pin(pin);
            try (BpfMap opened = BpfMap.openPinned(pin)) {
                assertEquals(MapType.ARRAY, opened.type());
                assertEquals(4, opened.keySize());
                assertEquals(8, opened.valueSize());
                assertEquals(2, opened.maxEntries());
                assertEquals("pinned", opened.name());
                assertArrayEquals(new byte[]{9, 8, 7, 6, 5, 4, 3, 2}, opened.lookup(u32(1)).orElseThrow());
            }
        } finally {
            Files.deleteIfExists(pin);
        }
        SyscallException e = assertThrows(SyscallException.class, () -> BpfMap.openPinned(pin));
        assertEquals("ENOENT", e.errnoName());
    }

    /**
     * A map made without BpfMap, of a type that bpfring's first map types left out, opens by its
     * pin with the type the kernel reports.
     */
    @Test
    void aPinnedMapOfAnyTypeOpensWithTheKernelsType() throws Exception {
        Path pin = Mounts.BPFFS.resolve("bpfring_bloom_" + ProcessHandle.current().pid());
        Mounts.ensureBpffs(pin);
        int bloomFilter = 30; // BPF_MAP_TYPE_BLOOM_FILTER
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfAttr.allocate(arena);
            BpfAttr.MapCreate.MAP_TYPE.set(attr, bloomFilter);
            BpfAttr.MapCreate.VALUE_SIZE.set(attr, 8);
            BpfAttr.MapCreate.MAX_ENTRIES.set(attr, 64);
            BpfAttr.MapCreate.MAP_NAME.setString(attr, "bloom");
            int fd = Sys.bpf(Cmd.MAP_CREATE, attr, "bpf(BPF_MAP_CREATE bloom filter)");
            try {
                MemorySegment pinAttr = BpfAttr.allocate(arena);
                BpfAttr.Obj.PATHNAME.set(pinAttr, arena.allocateFrom(pin.toString()).address());
                BpfAttr.Obj.BPF_FD.set(pinAttr, fd);
                Sys.bpf(Cmd.OBJ_PIN, pinAttr, "bpf(BPF_OBJ_PIN " + pin + ")");
            } finally {
                Sys.close(fd);
            }
            try (BpfMap opened = BpfMap.openPinned(pin)) {
                assertEquals(bloomFilter, opened.type().id());
                assertEquals(MapType.BLOOM_FILTER, opened.type());
                assertEquals("BLOOM_FILTER map 'bloom' (fd " + opened.fd() + ")", opened.toString());
                assertEquals(0, opened.keySize());
                assertEquals(8, opened.valueSize());
                assertEquals(64, opened.maxEntries());
            }
        } finally {
            Files.deleteIfExists(pin);
        }
    }

    @Test
    void anLruPerCpuHashHoldsOneValuePerPossibleCpu() {
        int cpus = Cpus.possibleCount();
        try (BpfMap map = BpfMap.create(MapType.LRU_PERCPU_HASH, "lru_pcpu", 4, 4, 8, 0);
             Arena arena = Arena.ofConfined()) {
            assertEquals(8L * cpus, map.valueBufferSize());
            MemorySegment values = arena.allocate(map.valueBufferSize(), 8);
            for (int cpu = 0; cpu < cpus; cpu++) {
                values.set(JAVA_INT, 8L * cpu, 7 * cpu + 1);
            }
            map.update(arena.allocateFrom(JAVA_INT, 5), values, BpfMap.ANY);
            MemorySegment read = arena.allocate(map.valueBufferSize(), 8);
            assertTrue(map.lookup(arena.allocateFrom(JAVA_INT, 5), read));
            for (int cpu = 0; cpu < cpus; cpu++) {
                assertEquals(7 * cpu + 1, read.get(JAVA_INT, 8L * cpu), "CPU " + cpu);
            }
        }
    }

    @Test
    void aBuilderPassesFlagsExtraFieldsAndInnerMaps() {
        int noPrealloc = 1;
        try (BpfMap hash = BpfMap.builder(MapType.HASH, "built").keySize(4).valueSize(8).maxEntries(8)
                .flags(noPrealloc).create();
             BpfMap inner = BpfMap.array("inner", 8, 1);
             BpfMap outer = BpfMap.builder(MapType.ARRAY_OF_MAPS, "outer").keySize(4).valueSize(4).maxEntries(2)
                     .innerMap(inner).create()) {
            BpfMap.Info info = hash.info();
            assertEquals(new BpfMap.Info(MapType.HASH, info.id(), 4, 8, 8, noPrealloc, 0, "built", 0), info);
            assertTrue(info.id() > 0);
            outer.update(u32(1), u32(inner.fd()), BpfMap.ANY);
            assertEquals(MapType.ARRAY_OF_MAPS, outer.info().type());
        }
    }

    @Test
    void aFrozenMapRefusesWritesFromUserSpace() {
        try (BpfMap array = BpfMap.array("frozen", 8, 1)) {
            array.update(u32(0), new byte[8], BpfMap.ANY);
            array.freeze();
            SyscallException e = assertThrows(SyscallException.class, () -> array.update(u32(0), new byte[8], BpfMap.ANY));
            assertEquals("EPERM", e.errnoName());
        }
    }

    @Test
    void aClosedMapRefusesUse() {
        BpfMap map = BpfMap.array("closed", 8, 1);
        map.close();
        map.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, map::fd);
        assertTrue(e.getMessage().contains("closed"));
        assertThrows(IllegalStateException.class, () -> map.lookup(u32(0)));
    }

    @Test
    void theDropCounterCountsInTheProgram() {
        try (DropCounter counter = new DropCounter("dc");
             BpfProgram program = BpfProgram.load(ProgramType.SYSCALL, "count",
                     counter.increment(new Asm()).mov(Reg.R0, 0).exit());
             Arena arena = Arena.ofConfined()) {
            assertEquals(0, counter.count());
            for (int i = 0; i < 5; i++) {
                program.testRun(arena.allocate(JAVA_LONG));
            }
            assertEquals(5, counter.count());
        }
    }
}
