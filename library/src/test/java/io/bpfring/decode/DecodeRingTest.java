package io.bpfring.decode;

import io.bpfring.bpf.Asm;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.Helper;
import io.bpfring.bpf.ProgramType;
import io.bpfring.bpf.Reg;
import io.bpfring.reader.RingBufReader;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Records through a real kernel ring, decoded where they lie, as {@code run --json} will: what
 * decode.bpf.o's {@code decode_run} does (its {@code .data} in an array map, records sent with
 * {@code bpf_ringbuf_output}), plus a record cut short, read by a {@link RingBufReader} whose
 * handler hands each {@code RecordView} to the decoder.
 */
class DecodeRingTest {
    @Test
    void recordsFromTheKernelRingDecodeInPlace() {
        Kernel.require();
        byte[] data = new byte[232];
        System.arraycopy(DecodeSampleTest.SAMPLE, 0, data, 0, 208);
        System.arraycopy(Records.global("decode.bpf.o", "small"), 0, data, 208, 24);
        RecordDecoder sample = RecordDecoder.forStruct(DecodeSampleTest.BTF, "decode_sample");
        RecordDecoder small = RecordDecoder.forStruct(DecodeSampleTest.BTF, "decode_small");
        try (BpfMap ring = BpfMap.ringBuf("decode_events", 4096);
             BpfMap values = BpfMap.array("decode_data", data.length, 1)) {
            values.update(new byte[4], data, BpfMap.ANY);
            Asm asm = new Asm();
            for (int[] record : new int[][] {{0, 208}, {208, 24}, {0, 100}}) {
                asm.loadMap(Reg.R1, ring)
                        .loadMapValue(Reg.R2, values, record[0])
                        .mov(Reg.R3, record[1])
                        .mov(Reg.R4, 0)
                        .call(Helper.RINGBUF_OUTPUT);
            }
            asm.mov(Reg.R0, 0).exit();
            try (BpfProgram program = BpfProgram.load(ProgramType.SYSCALL, "decode_run", asm)) {
                program.testRun(new byte[8]); // a context it ignores
            }
            TextBuffer out = new TextBuffer();
            List<Boolean> whole = new ArrayList<>();
            try (RingBufReader reader = RingBufReader.of(ring, view -> {
                RecordDecoder decoder = view.length() == 24 ? small : sample;
                whole.add(decoder.writeJson(view, out));
                return true;
            })) {
                assertEquals(3, reader.ring(0).consume());
            }
            String[] lines = out.toString().split("\n");
            assertEquals(DecodeSampleTest.SAMPLE_JSON, lines[0]);
            assertEquals("{\"pid\":4242,\"tid\":4243,\"ts\":123456789012345,\"ret\":-2,\"flags\":524288}", lines[1]);
            assertEquals(DecodeSampleTest.SAMPLE_JSON.substring(0, DecodeSampleTest.SAMPLE_JSON.indexOf(",\"raw\""))
                    + "}", lines[2], "100 bytes end where the union raw starts");
            assertEquals(List.of(true, true, false), whole);
        }
    }
}
