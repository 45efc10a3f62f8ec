package io.bpfring.btf;

import io.bpfring.elf.ElfFile;
import io.bpfring.elf.Section;
import io.bpfring.elf.Symbol;
import io.bpfring.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checked-in objects' {@code .BTF} and {@code .BTF.ext}. Expected types come from
 * {@code bpftool btf dump file <object>}; expected {@code .BTF.ext} records from the section
 * dumped with {@code llvm-objcopy --dump-section .BTF.ext=...} and decoded by hand (bpftool
 * shows no {@code .BTF.ext} of a file), cross-checked against the FUNC symbols of
 * {@code llvm-readelf -s}.
 */
class ObjectBtfTest {
    private record Object(ElfFile elf, Btf btf, BtfExt ext) {
    }

    private static Object open(Path path) throws IOException {
        ElfFile elf = ElfFile.read(path);
        Btf btf = Btf.parse(elf.section(".BTF").orElseThrow().data());
        BtfExt ext = BtfExt.parse(elf.section(".BTF.ext").orElseThrow().data(), btf);
        return new Object(elf, btf, ext);
    }

    private static Object open(String name) throws IOException {
        return open(Fixtures.object(name));
    }

    @Test
    void everyFixtureParsesDecodesAndRenders() throws IOException {
        for (Path path : Fixtures.objects()) {
            Object o = open(path);
            for (int id = 1; id < o.btf.typeCount(); id++) {
                assertEquals(o.btf.kind(id), o.btf.type(id).kind());
                assertFalse(o.btf.definition(id).isEmpty());
            }
            assertFalse(o.ext.funcInfos().isEmpty(), path + " has func_info");
        }
    }

    @Test
    void execTracersHaveMapsBtfAndBtfExt() throws IOException {
        for (String name : List.of("execsnoop_perfbuf.bpf.o", "execsnoop_ringbuf_output.bpf.o",
                "execsnoop_ringbuf_reserve.bpf.o")) {
            Object o = open(name);
            assertTrue(o.elf.section(".maps").isPresent(), name);
            int maps = o.btf.find(".maps", BtfKind.DATASEC).orElseThrow();
            BtfType.Datasec datasec = (BtfType.Datasec) o.btf.type(maps);
            List<String> vars = datasec.vars().stream().map(v -> o.btf.name(v.type())).toList();
            List<String> symbols = o.elf.symbols().stream()
                    .filter(s -> s.sectionIndex() == o.elf.section(".maps").orElseThrow().index())
                    .map(Symbol::name).sorted().toList();
            assertEquals(symbols, vars.stream().sorted().toList(), name + ": .maps lists the maps");
        }
    }

    @Test
    void perfbufTypesAsBpftoolDumpsThem() throws IOException {
        Btf btf = open("execsnoop_perfbuf.bpf.o").btf;
        assertEquals(45, btf.typeCount()); // [1] .. [44]
        assertEquals(new BtfType.Pointer(3), btf.type(1));
        assertEquals(new BtfType.Int("int", 4, BtfType.Int.SIGNED, 0, 32), btf.type(2));
        assertEquals(new BtfType.Array(2, 4, 6), btf.type(3));
        assertEquals(new BtfType.Typedef("__u32", 9), btf.type(8));
        assertEquals(new BtfType.Struct("event", 532, List.of(
                new BtfType.Member("pid", 12, 0, 0),
                new BtfType.Member("comm", 15, 32, 0),
                new BtfType.Member("filename", 16, 160, 0)), false), btf.type(11));
        assertEquals(new BtfType.Var("heap", 17, BtfType.Linkage.GLOBAL), btf.type(18));
        assertEquals(new BtfType.FuncProto(2, List.of(new BtfType.Param("ctx", 30))), btf.type(39));
        assertEquals(new BtfType.Func("execsnoop_perfbuf", 39, BtfType.Linkage.GLOBAL), btf.type(40));
        // clang leaves DATASEC sizes and VAR offsets 0: the loader fills them from the symbols.
        assertEquals(new BtfType.Datasec(".maps", 0, List.of(
                new BtfType.VarSecinfo(18, 0, 32),
                new BtfType.VarSecinfo(22, 0, 24),
                new BtfType.VarSecinfo(29, 0, 32))), btf.type(43));
        assertEquals(new BtfType.Datasec("license", 0, List.of(new BtfType.VarSecinfo(42, 0, 4))), btf.type(44));

        assertEquals(532, btf.sizeOf(11));
        assertEquals(2, btf.resolve(12)); // pid_t -> __kernel_pid_t -> int
        assertEquals("""
                struct event {
                \tpid_t pid;
                \tchar comm[16];
                \tchar filename[512];
                };""", btf.definition(11));
        assertEquals("int execsnoop_perfbuf(struct trace_event_raw_sys_enter *ctx);", btf.definition(40));
        assertEquals("char LICENSE[4];", btf.definition(42));
    }

    @Test
    void mapsRenderAsTheirSource() throws IOException {
        Btf btf = open("execsnoop_ringbuf_reserve.bpf.o").btf;
        assertEquals("""
                struct {
                \tint (*type)[27];
                \tint (*max_entries)[262144];
                } events SEC(".maps");
                struct {
                \tint (*type)[2];
                \tint (*max_entries)[1];
                \t__u32 *key;
                \t__u64 *value;
                } drops SEC(".maps");""", btf.definition(btf.find(".maps", BtfKind.DATASEC).orElseThrow()));
        // struct event is used only through a pointer: clang keeps it out of .BTF.
        assertTrue(btf.find("event", BtfKind.STRUCT).isEmpty());
    }

    @Test
    void globalsTypes() throws IOException {
        Btf btf = open("globals.bpf.o").btf;
        int mode = btf.find("fixture_mode", BtfKind.ENUM).orElseThrow();
        assertEquals("""
                enum fixture_mode {
                \tFIXTURE_MODE_OFF = 0,
                \tFIXTURE_MODE_COUNT = 1,
                \tFIXTURE_MODE_ECHO = 7,
                };""", btf.definition(mode));
        BtfType.Datasec rodata = (BtfType.Datasec) btf.type(btf.find(".rodata", BtfKind.DATASEC).orElseThrow());
        assertEquals(List.of("rodata_int", "rodata_bool", "rodata_mode", "rodata_name", "targ_tgid"),
                rodata.vars().stream().map(v -> btf.name(v.type())).toList());
        assertEquals("const volatile int rodata_int;", btf.definition(rodata.vars().getFirst().type()));
        BtfType.Datasec kconfig = (BtfType.Datasec) btf.type(btf.find(".kconfig", BtfKind.DATASEC).orElseThrow());
        assertEquals(5, kconfig.vars().size());
        BtfType.Var version = assertInstanceOf(BtfType.Var.class, btf.type(kconfig.vars().getFirst().type()));
        assertEquals(BtfType.Linkage.EXTERN, version.linkage());
        assertEquals(112, btf.sizeOf(btf.find("globals_result", BtfKind.STRUCT).orElseThrow()));
    }

    @Test
    void funcInfoOfEachSectionIsItsFunctions() throws IOException {
        for (Path path : Fixtures.objects()) {
            Object o = open(path);
            for (Section s : o.elf.sections()) {
                if (!s.isExecutable() || s.size() == 0) {
                    continue;
                }
                List<Symbol> functions = o.elf.symbols().stream()
                        .filter(sym -> sym.type() == Symbol.Type.FUNC && sym.sectionIndex() == s.index())
                        .sorted((a, b) -> Long.compare(a.value(), b.value())).toList();
                List<BtfExt.FuncInfo> infos = o.ext.funcInfos().getOrDefault(s.name(), List.of());
                assertEquals(functions.size(), infos.size(), path + " " + s);
                for (int i = 0; i < infos.size(); i++) {
                    assertEquals(functions.get(i).value(), infos.get(i).insnOffset(), path + " " + s);
                    assertEquals(functions.get(i).name(), o.btf.name(infos.get(i).typeId()), path + " " + s);
                }
            }
        }
    }

    @Test
    void btfExtRecords() throws IOException {
        Object perfbuf = open("execsnoop_perfbuf.bpf.o");
        String tp = "tp/syscalls/sys_enter_execve";
        assertEquals(8, perfbuf.ext.funcInfoSize());
        assertEquals(16, perfbuf.ext.lineInfoSize());
        assertEquals(16, perfbuf.ext.coreReloSize());
        assertEquals(Map.of(tp, List.of(new BtfExt.FuncInfo(0, 40))), perfbuf.ext.funcInfos());
        List<BtfExt.LineInfo> lines = perfbuf.ext.lineInfos().get(tp);
        assertEquals(20, lines.size());
        BtfExt.LineInfo first = lines.getFirst();
        assertEquals("./execsnoop_perfbuf.bpf.c", first.fileName());
        assertEquals("int execsnoop_perfbuf(struct trace_event_raw_sys_enter *ctx)", first.line());
        assertEquals(37, first.lineNumber());
        assertEquals(0, first.column());
        assertEquals("\t__u32 zero = 0;", lines.get(1).line());
        assertEquals(2, lines.get(1).insnIndex());
        assertEquals(39, lines.get(1).lineNumber());
        assertEquals(8, lines.get(1).column());
        assertEquals(first.fileName(), perfbuf.btf.string(first.fileNameOffset()));
        assertEquals(List.of(new BtfExt.CoreRelo(136, 31, perfbuf.ext.coreRelos().get(tp).getFirst()
                .accessStringOffset(), "0:2:0", CoreReloKind.FIELD_BYTE_OFFSET)), perfbuf.ext.coreRelos().get(tp));
        assertEquals("trace_event_raw_sys_enter", perfbuf.btf.name(31));

        Object output = open("execsnoop_ringbuf_output.bpf.o");
        assertEquals(List.of(new BtfExt.FuncInfo(0, 42)), output.ext.funcInfos().get(tp));
        assertEquals(20, output.ext.lineInfos().get(tp).size());
        assertEquals(33, output.ext.coreRelos().get(tp).getFirst().typeId());

        Object reserve = open("execsnoop_ringbuf_reserve.bpf.o");
        assertEquals(List.of(new BtfExt.FuncInfo(0, 32)), reserve.ext.funcInfos().get(tp));
        assertEquals(18, reserve.ext.lineInfos().get(tp).size());
        BtfExt.CoreRelo relo = reserve.ext.coreRelos().get(tp).getFirst();
        assertEquals(208, relo.insnOffset());
        assertEquals(26, relo.insnIndex());
        assertEquals("0:2:0", relo.accessString());

        Object globals = open("globals.bpf.o");
        assertEquals(List.of("syscall", "tp/syscalls/sys_enter_getpgid"),
                List.copyOf(globals.ext.funcInfos().keySet()));
        assertEquals(List.of(new BtfExt.FuncInfo(0, 52)), globals.ext.funcInfos().get("syscall"));
        assertEquals(List.of(new BtfExt.FuncInfo(0, 54)),
                globals.ext.funcInfos().get("tp/syscalls/sys_enter_getpgid"));
        assertEquals(114, globals.ext.lineInfos().get("syscall").size());
        assertEquals(10, globals.ext.lineInfos().get("tp/syscalls/sys_enter_getpgid").size());
        assertEquals(Map.of(), globals.ext.coreRelos());
    }

    @Test
    void subprogramsInTextAndTwoProgramsInOneSection() throws IOException {
        Object o = open("subprogs.bpf.o");
        assertEquals(List.of(".text", "syscall", "xdp", "raw_tp/sys_enter"), List.copyOf(o.ext.funcInfos().keySet()));
        assertEquals(List.of(new BtfExt.FuncInfo(0, 16), new BtfExt.FuncInfo(88, 18), new BtfExt.FuncInfo(264, 20),
                new BtfExt.FuncInfo(288, 25), new BtfExt.FuncInfo(360, 27), new BtfExt.FuncInfo(424, 35)),
                o.ext.funcInfos().get(".text"));
        assertEquals(List.of(new BtfExt.FuncInfo(0, 31), new BtfExt.FuncInfo(56, 33)), o.ext.funcInfos().get("xdp"));
        assertEquals(List.of(22, 11, 6, 4), o.ext.lineInfos().values().stream().map(List::size).toList());
        BtfExt.CoreRelo relo = o.ext.coreRelos().get("raw_tp/sys_enter").getFirst();
        assertEquals(new BtfExt.CoreRelo(0, 37, relo.accessStringOffset(), "0:0:1", CoreReloKind.FIELD_BYTE_OFFSET),
                relo);
    }

    @Test
    void coreRelocationsOfEveryKindClang14Emits() throws IOException {
        Object o = open("core.bpf.o");
        List<BtfExt.CoreRelo> relos = o.ext.coreRelos().get("tp/syscalls/sys_enter_getpgid");
        assertEquals(48, relos.size());
        Map<CoreReloKind, Long> byKind = new java.util.EnumMap<>(CoreReloKind.class);
        relos.forEach(r -> byKind.merge(r.kind(), 1L, Long::sum));
        assertEquals(Map.ofEntries(
                Map.entry(CoreReloKind.FIELD_BYTE_OFFSET, 22L), Map.entry(CoreReloKind.FIELD_BYTE_SIZE, 3L),
                Map.entry(CoreReloKind.FIELD_EXISTS, 3L), Map.entry(CoreReloKind.FIELD_SIGNED, 2L),
                Map.entry(CoreReloKind.FIELD_LSHIFT_U64, 2L), Map.entry(CoreReloKind.FIELD_RSHIFT_U64, 4L),
                Map.entry(CoreReloKind.TYPE_ID_LOCAL, 1L), Map.entry(CoreReloKind.TYPE_ID_TARGET, 1L),
                Map.entry(CoreReloKind.TYPE_EXISTS, 2L), Map.entry(CoreReloKind.TYPE_SIZE, 1L),
                Map.entry(CoreReloKind.ENUMVAL_EXISTS, 2L), Map.entry(CoreReloKind.ENUMVAL_VALUE, 5L)), byKind);
        BtfExt.CoreRelo first = relos.getFirst();
        assertEquals(160, first.insnOffset());
        assertEquals(12, first.typeId());
        assertEquals("0:93", first.accessString());
        BtfExt.CoreRelo enumValue = relos.get(4);
        assertEquals(316, enumValue.typeId());
        assertEquals("2", enumValue.accessString());
        assertEquals(CoreReloKind.ENUMVAL_VALUE, enumValue.kind());
    }

    @Test
    void linkedObjectHasFilledDatasecsAndNoDwarf() throws IOException {
        Object o = open("linked.bpf.o");
        assertTrue(o.elf.section(".debug_info").isEmpty());
        // bpftool gen object fills in what clang leaves 0.
        assertEquals(new BtfType.Datasec(".rodata", 4, List.of(new BtfType.VarSecinfo(44, 0, 4))), o.btf.type(47));
        BtfType.Datasec maps = (BtfType.Datasec) o.btf.type(45);
        assertEquals(48, maps.size());
        assertEquals(new BtfType.VarSecinfo(36, 16, 32), maps.vars().get(1));
        assertEquals(List.of("tp/syscalls/sys_enter_execve", ".text", "tp/syscalls/sys_enter_getpgid"),
                List.copyOf(o.ext.funcInfos().keySet()));
        assertEquals(List.of(14, 6, 11), o.ext.lineInfos().values().stream().map(List::size).toList());
    }
}
