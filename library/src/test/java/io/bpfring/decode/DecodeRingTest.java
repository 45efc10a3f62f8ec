package io.bpfring.decode;

import io.bpfring.asm.Asm;
import io.bpfring.asm.Helper;
import io.bpfring.asm.Reg;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.ProgramType;
import io.bpfring.object.BpfObject;
import io.bpfring.object.ObjectSpec;
import io.bpfring.ringbuf.RingBufReader;
import io.bpfring.testing.Fixtures;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Records through a real kernel ring, read by a {@link RingBufReader} whose handler hands each
 * {@code RecordView} to a decoder, as {@code run --json} does: what decode.bpf.o's program
 * sends, and a record cut short.
 */
class DecodeRingTest {
    private static final String SMALL_JSON =
            "{\"pid\":4242,\"tid\":4243,\"ts\":123456789012345,\"ret\":-2,\"flags\":524288}";

    private final RecordDecoder sample = RecordDecoder.forStruct(DecodeSampleTest.BTF, "decode_sample");
    private final RecordDecoder small = RecordDecoder.forStruct(DecodeSampleTest.BTF, "decode_small");
    private final TextBuffer out = new TextBuffer();
    private final List<Boolean> whole = new ArrayList<>();

    @BeforeEach
    void kernel() {
        Kernel.require();
    }

    /** Decodes what is in the ring, choosing the struct by the record's length. */
    private String[] drain(BpfMap ring, int records) {
        try (RingBufReader reader = RingBufReader.of(ring, view -> {
            whole.add((view.length() == 24 ? small : sample).writeJson(view, out));
            return true;
        })) {
            assertEquals(records, reader.ring(0).consume());
        }
        return out.toString().split("\n");
    }

    /** decode.bpf.o loaded and run: the C program sends its two initialised structs. */
    @Test
    void whatTheCProgramSends() throws IOException {
        try (BpfObject object = ObjectSpec.open(Fixtures.object("decode.bpf.o")).load()) {
            assertEquals(0, object.program("decode_run").testRun(MemorySegment.NULL));
            String[] lines = drain(object.map("events"), 2);
            assertEquals(DecodeSampleTest.SAMPLE_JSON, lines[0]);
            assertEquals(SMALL_JSON, lines[1]);
            assertEquals(List.of(true, true), whole);
        }
    }

    /** The same bytes sent by a program of our own, the second time cut to 100 bytes. */
    @Test
    void aRecordCutShort() {
        try (BpfMap ring = BpfMap.ringBuf("decode_events", 4096);
             BpfMap values = BpfMap.array("decode_data", 208, 1)) {
            values.update(new byte[4], DecodeSampleTest.SAMPLE, BpfMap.ANY);
            Asm asm = new Asm();
            for (int size : new int[] {208, 100}) {
                asm.loadMap(Reg.R1, ring)
                        .loadMapValue(Reg.R2, values, 0)
                        .mov(Reg.R3, size)
                        .mov(Reg.R4, 0)
                        .call(Helper.RINGBUF_OUTPUT);
            }
            asm.mov(Reg.R0, 0).exit();
            try (BpfProgram program = BpfProgram.load(ProgramType.SYSCALL, "decode_cut", asm)) {
                program.testRun(MemorySegment.NULL);
            }
            String[] lines = drain(ring, 2);
            assertEquals(DecodeSampleTest.SAMPLE_JSON, lines[0]);
            assertEquals(DecodeSampleTest.SAMPLE_JSON.substring(0, DecodeSampleTest.SAMPLE_JSON.indexOf(",\"raw\""))
                    + "}", lines[1], "100 bytes end where the union raw starts");
            assertEquals(List.of(true, false), whole);
        }
    }
}
