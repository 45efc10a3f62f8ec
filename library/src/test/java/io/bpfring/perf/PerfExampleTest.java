package io.bpfring.perf;

import io.bpfring.asm.Asm;
import io.bpfring.asm.Helper;
import io.bpfring.asm.Reg;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.ProgramType;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The example of the package's documentation, compiled and run. */
class PerfExampleTest {
    @Test
    void aProgramSendsASampleAndTheReaderReadsIt() {
        Kernel.require();
        // @start region=read
        List<String> seen = new ArrayList<>();
        try (BpfMap events = BpfMap.perfEventArray("events");
             BpfProgram program = BpfProgram.load(ProgramType.RAW_TRACEPOINT, "hello", new Asm()
                     .store(Asm.Size.DW, Reg.R10, -8, 42)      // the event: a u64 on the stack
                     .loadMap(Reg.R2, events)
                     .loadImm64(Reg.R3, Helper.F_CURRENT_CPU)
                     .mov(Reg.R4, Reg.R10)
                     .alu64(Asm.Alu.ADD, Reg.R4, -8)
                     .mov(Reg.R5, 8)
                     .call(Helper.PERF_EVENT_OUTPUT)           // bpf_perf_event_output(ctx, &events, ...)
                     .mov(Reg.R0, 0)
                     .exit());
             PerfBufReader reader = PerfBufReader.builder(events)
                     .pagesPerCpu(8)
                     .onSample((cpu, sample) -> seen.add("CPU " + cpu + ": " + sample.getLong(0)))
                     .onLost((cpu, lost) -> seen.add(lost + " lost on CPU " + cpu))
                     .open()) {
            program.testRun(new byte[8]);                      // runs the program once, on this CPU
            reader.poll(Duration.ofMillis(100));
        }
        // @end
        assertEquals(1, seen.size(), seen.toString());
        assertTrue(seen.getFirst().matches("CPU \\d+: 42"), seen.toString());
    }
}
