package io.bpfring.reader;

import io.bpfring.bpf.BpfMap;
import io.bpfring.testing.Emitter;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SmokeTest {
    @Test
    void roundTrip() {
        Kernel.require();
        try (BpfMap ring = BpfMap.ringBuf("rb", 16384);
             Emitter emitter = new Emitter(ring)) {
            List<Long> seqs = new ArrayList<>();
            try (RingBufReader reader = RingBufReader.of(ring, r -> seqs.add(r.getLong(0)))) {
                emitter.output(100, 7);
                emitter.reserve(8, false);
                emitter.reserve(9, true);
                emitter.output(10, 10);
                assertEquals(3, reader.consume());
                assertEquals(List.of(7L, 8L, 10L), seqs);
            }
        }
    }
}
