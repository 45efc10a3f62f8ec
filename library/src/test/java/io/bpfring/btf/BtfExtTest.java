package io.bpfring.btf;

import io.bpfring.elf.ElfFile;
import io.bpfring.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code .BTF.ext} written by a newer or older compiler than the fixtures'. */
class BtfExtTest {
    private static final int PADDING = 0x5a5a5a5a;

    private record Fixture(Btf btf, BtfExt ext) {
    }

    private static Fixture perfbuf() throws IOException {
        ElfFile elf = ElfFile.read(Fixtures.object("execsnoop_perfbuf.bpf.o"));
        Btf btf = Btf.parse(elf.section(".BTF").orElseThrow().data());
        return new Fixture(btf, BtfExt.parse(elf.section(".BTF.ext").orElseThrow().data(), btf));
    }

    /**
     * The fixture's records again, each {@code extra} bytes longer (a field this reader does not
     * know), and without the CO-RE part of the header when {@code core} is false.
     */
    private static byte[] rewrite(Fixture f, int extra, boolean core) {
        BtfWriter strings = BtfWriter.of(f.btf);
        ByteBuffer out = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        int header = core ? 32 : 24;
        out.position(header);
        int funcStart = out.position();
        out.putInt(8 + extra);
        f.ext.funcInfos().forEach((section, records) -> {
            out.putInt(strings.string(section)).putInt(records.size());
            records.forEach(r -> pad(out.putInt(r.insnOffset()).putInt(r.typeId()), extra));
        });
        int lineStart = out.position();
        out.putInt(16 + extra);
        f.ext.lineInfos().forEach((section, records) -> {
            out.putInt(strings.string(section)).putInt(records.size());
            records.forEach(r -> pad(out.putInt(r.insnOffset()).putInt(r.fileNameOffset()).putInt(r.lineOffset())
                    .putInt(r.lineColumn()), extra));
        });
        int coreStart = out.position();
        if (core) {
            out.putInt(16 + extra);
            f.ext.coreRelos().forEach((section, records) -> {
                out.putInt(strings.string(section)).putInt(records.size());
                records.forEach(r -> pad(out.putInt(r.insnOffset()).putInt(r.typeId()).putInt(r.accessStringOffset())
                        .putInt(r.kind().ordinal()), extra));
            });
        }
        int end = out.position();
        out.putShort(0, (short) Btf.MAGIC).put(2, (byte) 1).put(3, (byte) 0).putInt(4, header)
                .putInt(8, funcStart - header).putInt(12, lineStart - funcStart)
                .putInt(16, lineStart - header).putInt(20, coreStart - lineStart);
        if (core) {
            out.putInt(24, coreStart - header).putInt(28, end - coreStart);
        }
        return java.util.Arrays.copyOf(out.array(), end);
    }

    private static void pad(ByteBuffer out, int extra) {
        for (int i = 0; i < extra; i += 4) {
            out.putInt(PADDING);
        }
    }

    @Test
    void rewritingTheRecordsAsTheyWereGivesTheSameRecords() throws IOException {
        Fixture f = perfbuf();
        BtfExt same = BtfExt.parse(MemorySegment.ofArray(rewrite(f, 0, true)), f.btf);
        assertEquals(f.ext.funcInfos(), same.funcInfos());
        assertEquals(f.ext.lineInfos(), same.lineInfos());
        assertEquals(f.ext.coreRelos(), same.coreRelos());
    }

    @Test
    void largerRecordsFromANewerCompilerAreReadByTheirKnownFields() throws IOException {
        Fixture f = perfbuf();
        BtfExt wider = BtfExt.parse(MemorySegment.ofArray(rewrite(f, 8, true)), f.btf);
        assertEquals(16, wider.funcInfoSize());
        assertEquals(24, wider.lineInfoSize());
        assertEquals(24, wider.coreReloSize());
        assertEquals(f.ext.funcInfos(), wider.funcInfos());
        assertEquals(f.ext.lineInfos(), wider.lineInfos());
        assertEquals(f.ext.coreRelos(), wider.coreRelos());
    }

    @Test
    void aHeaderWithoutCoreRelocationsHasNone() throws IOException {
        Fixture f = perfbuf();
        BtfExt old = BtfExt.parse(MemorySegment.ofArray(rewrite(f, 0, false)), f.btf);
        assertEquals(f.ext.funcInfos(), old.funcInfos());
        assertEquals(f.ext.lineInfos(), old.lineInfos());
        assertEquals(Map.of(), old.coreRelos());
        assertEquals(0, old.coreReloSize());
        assertEquals(List.of(20), old.lineInfos().values().stream().map(List::size).toList());
    }
}
