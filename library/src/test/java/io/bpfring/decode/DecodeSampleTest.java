package io.bpfring.decode;

import io.bpfring.btf.Btf;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code struct decode_sample} of testdata/decode.bpf.c: every kind of member, laid out by clang,
 * its bytes the initialised global {@code sample} in the object's {@code .data}. The expected
 * values are the C initialisers.
 */
class DecodeSampleTest {
    static final String SAMPLE_JSON = "{\"u8\":250,\"s8\":-100,\"u16\":65000,\"s16\":-32000,\"flag\":true,\"c\":65,"
            + "\"u32\":4000000000,\"s32\":-2000000000,\"u64\":18446744073709551615,\"s64\":-9223372036854775808,"
            + "\"u128\":338770000845734292516042252062085074415,\"s128\":-1267650600228229401496703205376,"
            + "\"color\":\"DECODE_BLUE\",\"unknown\":7,\"f\":1.5,\"d\":-0.1,\"ptr\":\"0xffff888100a2b3c0\","
            + "\"at\":{\"x\":-3,\"y\":4},\"raw\":{\"word\":67305985,\"bytes\":[1,2,3,4]},"
            + "\"anon_a\":11,\"anon_b\":-12,\"anon_c\":4294967284,"
            + "\"bf_a\":5,\"bf_b\":-9,\"bf_c\":11259375,\"bf_d\":1094624909430,\"bf_e\":-300000,\"bf_f\":true,"
            + "\"bf_g\":\"DECODE_GREEN\",\"bf_h\":-8,"
            + "\"packed\":{\"lead\":6,\"wide\":4611686018427387905,\"last\":31},"
            + "\"matrix\":[[1,2,3],[4,5,6]],\"names\":[\"one\",\"two\",\"three\"],\"mac\":[2,66,172,17,0,2],"
            + "\"path\":[{\"x\":1,\"y\":2},{\"x\":-1,\"y\":-2}],\"comm\":\"decode\\t\\\"q\\\"\",\"tail\":\"\"}";

    static final Btf BTF = Records.btf("decode.bpf.o");
    static final byte[] SAMPLE = Records.global("decode.bpf.o", "sample");

    @Test
    void everyKindOfMemberAsClangLaidItOut() {
        RecordDecoder decoder = RecordDecoder.forStruct(BTF, "decode_sample");
        assertEquals(208, decoder.size());
        assertEquals(208, SAMPLE.length);
        assertEquals(SAMPLE_JSON, decoder.toJson(MemorySegment.ofArray(SAMPLE)));
        Json.parse(SAMPLE_JSON);
    }

    @Test
    void flexibleTailTakesWhatTheRecordHoldsPastTheStruct() {
        RecordDecoder decoder = RecordDecoder.forStruct(BTF, "decode_sample");
        // The tail starts at offsetof(tail) = 204, inside the struct's padding: 208 + 5 more bytes.
        byte[] record = Arrays.copyOf(SAMPLE, 213);
        byte[] tail = "/tmp/x".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(tail, 0, record, 204, tail.length);
        TextBuffer out = new TextBuffer();
        assertTrue(decoder.writeJson(MemorySegment.ofArray(record), out));
        assertTrue(out.toString().endsWith(",\"tail\":\"/tmp/x\"}\n"), out.toString());
    }

    @Test
    void smallEvent() {
        RecordDecoder decoder = RecordDecoder.forStruct(BTF, "decode_small");
        byte[] small = Records.global("decode.bpf.o", "small");
        assertEquals(24, small.length);
        assertEquals("{\"pid\":4242,\"tid\":4243,\"ts\":123456789012345,\"ret\":-2,\"flags\":524288}",
                decoder.toJson(MemorySegment.ofArray(small)));
        assertEquals("PID        TID        TS                   RET         FLAGS", decoder.tableHeader());
        TextBuffer out = new TextBuffer();
        decoder.writeRow(MemorySegment.ofArray(small), out);
        assertEquals("4242       4243       123456789012345      -2          524288\n", out.toString());
    }

    @Test
    void tableOfEveryKind() {
        RecordDecoder decoder = RecordDecoder.forStruct(BTF, "decode_sample");
        TextBuffer out = new TextBuffer();
        decoder.writeTableHeader(out);
        decoder.writeRow(MemorySegment.ofArray(SAMPLE), out);
        String[] lines = out.toString().split("\n");
        assertEquals(2, lines.length);
        // Columns line up: each value starts where its name does, up to the first JSON cell.
        String header = lines[0];
        String row = lines[1];
        for (String name : new String[] {"S8", "COLOR", "PTR", "AT", "AT"}) {
            int column = header.indexOf(" " + name + " ") + 1;
            if (column == 0) {
                column = header.indexOf(" " + name) + 1;
            }
            assertTrue(column > 0, name);
            assertTrue(row.charAt(column - 1) == ' ' && row.charAt(column) != ' ',
                    name + " in\n" + header + "\n" + row);
        }
        assertTrue(row.contains(" DECODE_BLUE "), row);
        assertTrue(row.contains(" 0xffff888100a2b3c0 "), row);
        assertTrue(row.contains(" {\"x\":-3,\"y\":4} "), row);
        assertTrue(row.contains(" decode\\t\"q\" "), row);
    }

    @Test
    void shortRecordsGiveTheirWholeFields() {
        RecordDecoder decoder = RecordDecoder.forStruct(BTF, "decode_sample");
        for (int length = 0; length <= SAMPLE.length; length++) {
            // Exactly the record's bytes: any read past them would throw.
            MemorySegment record = MemorySegment.ofArray(Arrays.copyOf(SAMPLE, length));
            TextBuffer out = new TextBuffer();
            assertEquals(length >= 208, decoder.writeJson(record, out));
            var json = Json.object(out.toString().strip());
            assertEquals(length >= 1, json.containsKey("u8"));
            assertEquals(length >= 8, json.containsKey("c"));
            assertEquals(length >= 48, json.containsKey("u128"));
            assertEquals(length >= 104, json.containsKey("raw"), "a union is whole or left out");
            assertEquals(length >= 108, json.containsKey("anon_a"));
            assertEquals(length >= 112, json.containsKey("anon_b"));
            assertEquals(length >= 113, json.containsKey("bf_b"), "bf_b ends in byte 112");
            assertEquals(length >= 116, json.containsKey("bf_c"));
            assertEquals(length >= 204, json.containsKey("comm"));
            assertEquals(length >= 204, json.containsKey("tail"));
            if (length < 208) {
                assertFalse(out.toString().contains("\"comm\":\"decode") && length < 204);
            }
            TextBuffer row = new TextBuffer();
            decoder.writeRow(record, row);
            assertEquals(1, row.toString().split("\n").length);
        }
    }
}
