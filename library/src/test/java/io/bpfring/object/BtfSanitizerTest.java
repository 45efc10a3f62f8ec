package io.bpfring.object;

import io.bpfring.bpf.LoadedBtf;
import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfKind;
import io.bpfring.btf.BtfType;
import io.bpfring.btf.BtfWriter;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BTF rewritten for kernels that lack kinds, type ids kept; this kernel needs none of it. */
class BtfSanitizerTest {
    private static final BtfSanitizer.Features NONE = new BtfSanitizer.Features(false, false, false, false, false,
            false, false);

    @Test
    void aKernelThatKnowsEveryKindGetsTheBtfAsItIs() throws IOException {
        Btf btf = ObjectTesting.open("globals.bpf.o").btf().orElseThrow();
        byte[] raw = BtfWriter.of(btf).toBytes();
        assertSame(raw, BtfSanitizer.sanitize(btf, raw, BtfSanitizer.Features.of(Kconfig.version(6, 18, 0))));
        assertTrue(BtfSanitizer.Features.of(Kconfig.system().kernelVersion()).all(), "this kernel knows every kind");
    }

    @Test
    void kindsAnOldKernelLacksAreReplacedKeepingTypeIds() {
        BtfWriter w = BtfWriter.empty();
        int i = w.add(new BtfType.Int("int", 4, BtfType.Int.SIGNED, 0, 32));
        int proto = w.add(new BtfType.FuncProto(i, List.of(new BtfType.Param("x", i))));
        int func = w.add(new BtfType.Func("f", proto, BtfType.Linkage.GLOBAL));
        int var = w.add(new BtfType.Var("v", i, BtfType.Linkage.GLOBAL));
        int sec = w.add(new BtfType.Datasec(".data", 4, List.of(new BtfType.VarSecinfo(var, 0, 4))));
        int flt = w.add(new BtfType.Float("float", 4));
        int tag = w.add(new BtfType.DeclTag("a tag", func, -1, false));
        int ttag = w.add(new BtfType.TypeTag("user", i, false));
        int e64 = w.add(new BtfType.Enum64("big", 8, false, List.of(new BtfType.EnumValue("HUGE", 1L << 40))));
        Btf btf = Btf.parse(w.toBytes());
        Btf old = Btf.parse(BtfSanitizer.sanitize(btf, w.toBytes(), NONE));
        assertEquals(btf.typeCount() + 1, old.typeCount(), "one placeholder int for the enum64 members");
        assertEquals(BtfKind.INT, old.kind(i));
        assertEquals(BtfKind.ENUM, old.kind(proto));
        assertEquals(BtfKind.TYPEDEF, old.kind(func));
        assertEquals(BtfKind.INT, old.kind(var));
        BtfType.Struct data = (BtfType.Struct) old.type(sec);
        assertEquals("_data", data.name());
        assertEquals(List.of(new BtfType.Member("v", var, 0, 0)), data.members());
        assertEquals(new BtfType.Struct("", 4, List.of(), false), old.type(flt));
        assertEquals(BtfKind.INT, old.kind(tag));
        assertEquals(new BtfType.Const(i), old.type(ttag));
        assertEquals(BtfKind.UNION, old.kind(e64));
        assertEquals(8, ((BtfType.Union) old.type(e64)).size());

        BtfSanitizer.Features onlyStaticFuncs = new BtfSanitizer.Features(true, true, false, true, true, true, true);
        Btf noGlobal = Btf.parse(BtfSanitizer.sanitize(btf, w.toBytes(), onlyStaticFuncs));
        assertEquals(BtfType.Linkage.STATIC, ((BtfType.Func) noGlobal.type(func)).linkage());
    }

    @Test
    void sanitizedObjectBtfIsStillBtfTheKernelTakes() throws IOException {
        Kernel.require();
        // Without FUNC a prototype's parameters become enumerators, some unnamed: only the old kernels that
        // need that accept it. Everything else must still load here.
        BtfSanitizer.Features old = new BtfSanitizer.Features(true, false, false, false, false, false, false);
        for (String fixture : List.of("globals.bpf.o", "core.bpf.o", "lifecycle.bpf.o")) {
            Btf btf = ObjectTesting.open(fixture).btf().orElseThrow();
            try (LoadedBtf loaded = LoadedBtf.load(BtfSanitizer.sanitize(btf, BtfWriter.of(btf).toBytes(), old))) {
                assertTrue(loaded.fd() > 0, fixture);
            }
        }
    }
}
