package io.bpfring.ringbuf;

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

/** The example of the package's documentation, compiled and run. */
class RingBufExampleTest {
    @Test
    void aProgramWritesARecordAndTheReaderReadsIt() {
        Kernel.require();
        // @start region=read
        List<Long> seen = new ArrayList<>();
        try (BpfMap events = BpfMap.ringBuf("events", 256 * 1024);
             BpfProgram program = BpfProgram.load(ProgramType.SYSCALL, "hello", new Asm()
                     .store(Asm.Size.DW, Reg.R10, -8, 42)      // the event: a u64 on the stack
                     .loadMap(Reg.R1, events)
                     .mov(Reg.R2, Reg.R10)
                     .alu64(Asm.Alu.ADD, Reg.R2, -8)
                     .mov(Reg.R3, 8)
                     .mov(Reg.R4, 0)
                     .call(Helper.RINGBUF_OUTPUT)              // bpf_ringbuf_output(&events, &event, 8, 0)
                     .mov(Reg.R0, 0)
                     .exit());
             RingBufReader reader = RingBufReader.of(events, record -> {
                 seen.add(record.getLong(0));                 // in place, valid during this call
                 return true;                                 // false: stop this poll here
             })) {
            program.testRun(new byte[8]);                      // runs the program once
            reader.poll(Duration.ofMillis(100));              // epoll; busyPoll spins instead
        }
        // @end
        assertEquals(List.of(42L), seen);
    }
}
