package io.bpfring.object;

import io.bpfring.bpf.MapType;
import io.bpfring.bpf.ProgramType;
import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import static io.bpfring.object.ObjectTesting.le;
import static io.bpfring.object.ObjectTesting.open;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What opening finds in the fixtures, without the kernel. */
class ObjectSpecTest {
    @Test
    void globalsHasTheMapsProgramsAndVariablesTheReadmeLists() throws IOException {
        ObjectSpec spec = open("globals.bpf.o");
        assertEquals("globals", spec.name());
        assertEquals("GPL", spec.license());
        assertEquals(List.of("globals_run", "globals_getpgid"),
                spec.programs().stream().map(ProgramSpec::name).toList());
        assertEquals(List.of("inner_a", "inner_b", "outer_map", "hash_map", "array_map", "percpu_map", "lru_map",
                        "sized_hash", "fixture_pinned", "odd_ring", "globals.rodata", "globals.data", "globals.bss",
                        ".rodata.str1.1", "globals.kconfig"),
                spec.maps().stream().map(MapSpec::name).toList());
        MapSpec sized = spec.map("sized_hash");
        assertEquals(List.of(MapType.HASH, 4, 8, 4, 0, 0), List.of(sized.type(), sized.keySize(), sized.valueSize(),
                sized.maxEntries(), sized.keyTypeId(), sized.valueTypeId()), "sizes only, no BTF types");
        MapSpec hash = spec.map("hash_map");
        Btf btf = spec.btf().orElseThrow();
        assertEquals("__u32", btf.typeName(hash.keyTypeId()));
        assertEquals("__u64", btf.typeName(hash.valueTypeId()));
        assertEquals(16384, spec.map("odd_ring").maxEntries(), "10000 rounded up as libbpf rounds ring sizes");
        assertEquals(MapSpec.Pinning.BY_NAME, spec.map("fixture_pinned").pinning());
        MapSpec outer = spec.map("outer_map");
        assertEquals(Map.of(0, "inner_a", 1, "inner_b"), outer.initialSlots());
        MapSpec inner = outer.inner().orElseThrow();
        assertEquals(List.of("outer_map.inner", MapType.ARRAY, 4, 8, 1),
                List.of(inner.name(), inner.type(), inner.keySize(), inner.valueSize(), inner.maxEntries()));

        assertEquals(List.of(".rodata 0x480", ".data 0x400", ".bss 0x400", ".rodata.str1.1 0x80", ".kconfig 0x480"),
                spec.maps().stream().filter(MapSpec::isInternal)
                        .map(m -> m.section() + " 0x" + Integer.toHexString(m.flags())).toList());
        assertEquals(List.of("rodata_int 0", "rodata_bool 4", "rodata_mode 8", "rodata_name 12", "targ_tgid 28",
                        "data_int 0", "data_array 8", "data_tag 40", "bss_runs 0", "result 8", "bss_getpgid_calls 120"),
                spec.variables().stream().map(v -> v.name() + " " + v.offset()).toList());
        assertEquals("42", spec.variable("rodata_int").value());
        assertEquals("FIXTURE_MODE_ECHO", spec.variable("rodata_mode").value());
        assertEquals("fixture", spec.variable("rodata_name").value());
        assertEquals("const volatile int", spec.variable("rodata_int").typeName());
        assertTrue(spec.variable("rodata_int").isReadOnly());
        assertFalse(spec.variable("data_int").isReadOnly());
        assertThrows(NoSuchElementException.class, () -> spec.variable("nope"));
    }

    @Test
    void clangsZeroDatasecsAreFilledFromTheSymbols() throws IOException {
        Btf btf = open("globals.bpf.o").btf().orElseThrow();
        BtfType.Datasec rodata = (BtfType.Datasec) btf.type(btf.find(".rodata", io.bpfring.btf.BtfKind.DATASEC)
                .orElseThrow());
        assertEquals(32, rodata.size());
        assertEquals(List.of(0, 4, 8, 12, 28), rodata.vars().stream().map(BtfType.VarSecinfo::offset).toList());
        BtfType.Datasec kconfig = (BtfType.Datasec) btf.type(btf.find(".kconfig", io.bpfring.btf.BtfKind.DATASEC)
                .orElseThrow());
        assertEquals(14, kconfig.size());
        assertEquals(List.of("CONFIG_HZ 0", "CONFIG_TUN 4", "LINUX_KERNEL_VERSION 8", "CONFIG_BPF_SYSCALL 12",
                        "CONFIG_FIXTURE_NOT_A_REAL_OPTION 13"),
                kconfig.vars().stream().map(v -> btf.name(v.type()) + " " + v.offset()).toList());
        assertTrue(kconfig.vars().stream().allMatch(v -> ((BtfType.Var) btf.type(v.type())).linkage()
                == BtfType.Linkage.GLOBAL), "externs become allocated variables of the .kconfig map");
    }

    @Test
    void theKconfigValueFollowsLibbpfsRules() throws IOException {
        ObjectSpec spec = open("globals.bpf.o");
        Kconfig config = Kconfig.of("CONFIG_BPF_SYSCALL=y\nCONFIG_TUN=m\nCONFIG_HZ=1000\n# CONFIG_X is not set\n",
                Kconfig.version(6, 18, 300));
        ByteBuffer v = le(spec.externs().image(config));
        assertEquals(1000, v.getInt(0), "CONFIG_HZ");
        assertEquals(2, v.getInt(4), "m is TRI_MODULE");
        assertEquals(0x0612ff, v.getInt(8), "patch capped at 255");
        assertEquals(1, v.get(12));
        assertEquals(0, v.get(13), "a missing weak extern is 0");
        assertThrows(ObjectException.class, () -> spec.externs().image(Kconfig.of("CONFIG_BPF_SYSCALL=m\n", 1)),
                "m is no bool");
        assertThrows(ObjectException.class, () -> spec.externs().image(Kconfig.of(
                "CONFIG_BPF_SYSCALL=y\nCONFIG_HZ=\"fast\"\n", 1)), "a string is no int");
        assertThrows(ObjectException.class, () -> spec.externs().image(Kconfig.of(
                "CONFIG_BPF_SYSCALL=y\nCONFIG_HZ=4294967296\n", 1)), "too large for an int");
    }

    @Test
    void variablesAreSetOnlyWithValuesTheirTypesHold() throws IOException {
        ObjectSpec spec = open("globals.bpf.o");
        VariableSpec i = spec.variable("rodata_int");
        i.set("-7");
        assertEquals(-7, i.getLong());
        i.set("0x10");
        assertEquals(16, i.getLong());
        assertThrows(IllegalArgumentException.class, () -> i.setLong(1L << 31));
        assertThrows(IllegalArgumentException.class, () -> i.set("seven"));
        VariableSpec b = spec.variable("rodata_bool");
        b.set("false");
        assertFalse(b.getBoolean());
        assertThrows(IllegalArgumentException.class, () -> b.setLong(2));
        VariableSpec mode = spec.variable("rodata_mode");
        mode.setEnum("FIXTURE_MODE_COUNT");
        assertEquals(1, mode.getLong());
        mode.set("7");
        assertEquals("FIXTURE_MODE_ECHO", mode.value());
        assertThrows(IllegalArgumentException.class, () -> mode.setEnum("FIXTURE_MODE_LOUD"));
        VariableSpec name = spec.variable("rodata_name");
        name.setString("0123456789abcde");
        assertEquals("0123456789abcde", name.getString());
        assertThrows(IllegalArgumentException.class, () -> name.setString("0123456789abcdef"), "no room for the NUL");
        name.set("x");
        assertArrayEquals("x\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0".getBytes(), name.bytes(), "the rest zeroed");
        assertThrows(IllegalArgumentException.class, () -> spec.variable("result").set("1"));
        byte[] contents = spec.map("globals.rodata").contents().orElseThrow();
        assertEquals(16, le(contents).getInt(0), "variables write the map's initial contents");
    }

    @Test
    void mapsResizeAndProgramsTurnOffBeforeLoad() throws IOException {
        ObjectSpec spec = open("globals.bpf.o");
        spec.map("hash_map").setMaxEntries(1000);
        assertEquals(1000, spec.map("hash_map").maxEntries());
        spec.map("odd_ring").setMaxEntries(5000);
        assertEquals(8192, spec.map("odd_ring").maxEntries());
        spec.map("odd_ring").setMaxEntries(65536);
        assertEquals(65536, spec.map("odd_ring").maxEntries(), "a valid size stays");
        assertThrows(IllegalStateException.class, () -> spec.map("globals.data").setMaxEntries(2));
        ProgramSpec p = spec.program("globals_run");
        assertTrue(p.autoload());
        p.setAutoload(false);
        assertFalse(p.autoload());
    }

    @Test
    void programsKnowTheirTypeAttachKindAndTarget() throws IOException {
        ObjectSpec spec = open("sections.bpf.o");
        ProgramSpec tp = spec.program("sec_tp");
        assertEquals(ProgramType.TRACEPOINT, tp.type());
        assertEquals(AttachKind.TRACEPOINT, tp.attachKind());
        assertEquals("syscalls/sys_enter_getppid", tp.attachTarget());
        assertEquals("libc.so.6:getpid", spec.program("sec_uretprobe").attachTarget());
        assertEquals(AttachKind.URETPROBE, spec.program("sec_uretprobe").attachKind());
        assertEquals("", spec.program("sec_uprobe_manual").attachTarget());
        assertEquals(AttachKind.ITER, spec.program("sec_iter").attachKind());
        assertEquals("task", spec.program("sec_iter").attachTarget());
        assertEquals(AttachKind.MANUAL, spec.program("sec_xdp").attachKind());
        assertEquals(16, spec.programs().size());
    }

    @Test
    void internalMapNamesAreLibbpfs() {
        assertEquals("globals.rodata", GlobalData.internalName("globals", ".rodata"));
        assertEquals("lifecycl.rodata", GlobalData.internalName("lifecycle", ".rodata"));
        assertEquals("lifecycl.bss", GlobalData.internalName("lifecycle", ".bss"));
        assertEquals("lifecyc.kconfig", GlobalData.internalName("lifecycle", ".kconfig"));
        assertEquals(".rodata.str1.1", GlobalData.internalName("globals", ".rodata.str1.1"));
        assertEquals(".rodata.abracad", GlobalData.internalName("x", ".rodata.abracadabra"));
        assertEquals("my_obj_n.data", GlobalData.internalName("my-obj-name", ".data"));
    }

    @Test
    void ringSizesRoundAsLibbpfRoundsThem() {
        assertEquals(0, MapSpec.ringSize(0));
        assertEquals(4096, MapSpec.ringSize(1));
        assertEquals(16384, MapSpec.ringSize(10000));
        assertEquals(16384, MapSpec.ringSize(16384));
        assertEquals(32768, MapSpec.ringSize(16385));
        assertEquals(16384, MapSpec.ringSize(12288), "three pages is no power of two");
    }
}
