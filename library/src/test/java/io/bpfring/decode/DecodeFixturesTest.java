package io.bpfring.decode;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfKind;
import io.bpfring.ring.RecordView;
import io.bpfring.testing.Views;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Records of the fixture objects' structs, built as the C programs write them, with the values
 * testdata/README.md gives for a run, decoded through the objects' own {@code .BTF}.
 */
class DecodeFixturesTest {
    @Test
    void execEventAsTheTracersSendIt() {
        for (String object : List.of("execsnoop_perfbuf.bpf.o", "execsnoop_ringbuf_output.bpf.o")) {
            RecordDecoder events = RecordDecoder.forStruct(Records.btf(object), "event");
            assertEquals("struct event", events.typeName());
            assertEquals(532, events.size());
            assertEquals(List.of("pid", "comm", "filename"), events.fieldNames());
            MemorySegment record = Records.execEvent(3232062, "sh", "/bin/sh");
            assertEquals("{\"pid\":3232062,\"comm\":\"sh\",\"filename\":\"/bin/sh\"}", events.toJson(record), object);
        }
    }

    @Test
    void execEventLinesGoToTheBufferOneALine() {
        RecordDecoder events = RecordDecoder.forStruct(Records.btf("execsnoop_perfbuf.bpf.o"), "struct event");
        TextBuffer out = new TextBuffer();
        assertTrue(events.writeJson(Records.execEvent(1, "true", "/bin/true"), out));
        assertTrue(events.writeJson(Records.execEvent(-2, "", ""), out));
        assertEquals("""
                {"pid":1,"comm":"true","filename":"/bin/true"}
                {"pid":-2,"comm":"","filename":""}
                """, out.toString());
    }

    /** As a ring handler gets records: a view over the ring's memory, moved from record to record. */
    @Test
    void fromTheRecordViewOfARing() {
        RecordDecoder events = RecordDecoder.forStruct(Records.btf("execsnoop_perfbuf.bpf.o"), "event");
        MemorySegment ring = MemorySegment.ofArray(new byte[2 * 544]);
        MemorySegment.copy(Records.execEvent(1, "a", "/x"), 0, ring, 8, 532);
        MemorySegment.copy(Records.execEvent(2, "b", "/y"), 0, ring, 544 + 8, 532);
        RecordView view = Views.over(ring);
        TextBuffer out = new TextBuffer();
        Views.point(view, 8, 532, 0);
        assertTrue(events.writeJson(view, out));
        Views.point(view, 544 + 8, 20, 544);
        assertFalse(events.writeJson(view, out), "20 bytes hold pid and comm, not filename");
        Views.point(view, 8, 532, 0);
        events.writeRow(view, out);
        assertEquals("""
                {"pid":1,"comm":"a","filename":"/x"}
                {"pid":2,"comm":"b"}
                1           a                /x
                """, out.toString());
    }

    @Test
    void execEventTableLikeExecsnoop() {
        RecordDecoder events = RecordDecoder.forStruct(Records.btf("execsnoop_perfbuf.bpf.o"), "event");
        // pid_t is an int: 11 characters for -2147483648; comm[16] is %-16s; the last column is not padded.
        assertEquals("PID         COMM             FILENAME", events.tableHeader());
        TextBuffer out = new TextBuffer();
        events.writeTableHeader(out);
        events.writeRow(Records.execEvent(3232062, "sh", "/bin/sh"), out);
        events.writeRow(Records.execEvent(-2147483648, "a-full-16-chars!", "/usr/bin/x"), out);
        assertEquals("""
                PID         COMM             FILENAME
                3232062     sh               /bin/sh
                -2147483648 a-full-16-chars! /usr/bin/x
                """, out.toString());
    }

    /** {@code struct globals_result} after one run of globals_run, as the README's table gives it. */
    @Test
    void globalsResultOfOneRun() {
        Btf btf = Records.btf("globals.bpf.o");
        RecordDecoder result = RecordDecoder.forStruct(btf, "globals_result");
        assertEquals(112, result.size());
        MemorySegment record = Records.of(112)
                .u64(0, 1).u32(8, 42).u32(12, 1).u32(16, 7).u32(20, 0).str(24, "fixture")
                .u32(40, 1234).u32(44, 0x06122c).u32(48, 1).u32(52, 1).u32(56, 250).u32(60, 0)
                .u64(64, 100).str(72, "hello from .rodata.str1.1").u64(104, 99)
                .segment();
        assertEquals("{\"runs\":1,\"rodata_int\":42,\"rodata_bool\":1,\"rodata_mode\":7,\"targ_tgid\":0,"
                + "\"rodata_name\":\"fixture\",\"data_int\":1234,\"kernel_version\":397868,"
                + "\"config_bpf_syscall\":1,\"config_tun\":1,\"config_hz\":250,\"config_absent\":0,"
                + "\"data_array_sum\":100,\"message\":\"hello from .rodata.str1.1\",\"inner_value\":99}",
                result.toJson(record));
    }

    /** Only structs and unions (or typedefs of them) are records; a name that is neither is an error. */
    @Test
    void enumOfTheFixtureByName() {
        Btf btf = Records.btf("globals.bpf.o");
        int mode = btf.find("fixture_mode", BtfKind.ENUM).orElseThrow();
        assertThrows(DecodeException.class, () -> RecordDecoder.forType(btf, mode));
        assertThrows(DecodeException.class, () -> RecordDecoder.forStruct(btf, "no_such_struct"));
        assertThrows(DecodeException.class, () -> RecordDecoder.forStruct(btf, "union globals_result"));
    }

    /** lc_exec: a nested header, then a variable-length tail that the program cuts at args_size. */
    @Test
    void lifecycleExecWithItsNestedHeaderAndCutTail() {
        RecordDecoder exec = RecordDecoder.forStruct(Records.btf("lifecycle.bpf.o"), "lc_exec");
        assertEquals(48 + 16 + 2048, exec.size());
        Records r = Records.of(exec.size())
                .u32(0, 1).u32(4, 4242).u32(8, 4243).u32(12, 1).u32(16, 1000).u32(20, 1)
                .u64(24, 123456789012L).str(32, "sh")
                .u32(48, -2 & 0xffffffffL).u32(52, 2).u32(56, 8).u32(60, 0)
                .str(64, "ls").str(67, "-l");
        String header = "\"h\":{\"kind\":1,\"pid\":4242,\"tid\":4243,\"ppid\":1,\"uid\":1000,\"cpu\":1,"
                + "\"ts_ns\":123456789012,\"comm\":\"sh\"}";
        assertEquals("{" + header + ",\"retval\":-2,\"args_count\":2,\"args_size\":8,\"pad\":0,\"args\":\"ls\"}",
                exec.toJson(r.segment()));

        // As sent: offsetof(struct lc_exec, args) + args_size bytes. args is not whole: left out.
        MemorySegment sent = r.segment().asSlice(0, 64 + 8);
        TextBuffer out = new TextBuffer();
        assertFalse(exec.writeJson(sent, out));
        assertEquals("{" + header + ",\"retval\":-2,\"args_count\":2,\"args_size\":8,\"pad\":0}\n", out.toString());
    }

    @Test
    void lifecycleHistogramArray() {
        RecordDecoder hist = RecordDecoder.forStruct(Records.btf("lifecycle.bpf.o"), "lc_hist");
        Records r = Records.of(hist.size());
        for (int i = 0; i < 26; i++) {
            r.u32(4 * i, i * i);
        }
        r.str(104, "kworker/0:1");
        Map<String, Object> json = Json.object(hist.toJson(r.segment()));
        List<?> slots = (List<?>) json.get("slots");
        assertEquals(26, slots.size());
        assertEquals(java.math.BigInteger.valueOf(625), slots.get(25));
        assertEquals("kworker/0:1", json.get("comm"));
        assertEquals("SLOTS COMM", hist.tableHeader());
    }
}
