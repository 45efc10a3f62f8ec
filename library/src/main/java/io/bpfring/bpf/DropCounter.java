package io.bpfring.bpf;

import io.bpfring.asm.Asm;
import io.bpfring.asm.Reg;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Counts, in the BPF program, the events it could not send because the ring was full: the
 * kernel keeps no such counter for a ring buffer. A one-slot u64 array the program increments
 * atomically through direct map value access (no lookup call, no stack).
 */
public final class DropCounter implements AutoCloseable {
    private final BpfMap map;

    public DropCounter(String name) {
        this.map = BpfMap.array(name, Long.BYTES, 1);
    }

    public BpfMap map() {
        return map;
    }

    /** Emits code that adds 1 to the counter. Clobbers R1 and R2. */
    public Asm increment(Asm asm) {
        return asm.loadMapValue(Reg.R1, map, 0)
                .mov(Reg.R2, 1)
                .atomicAdd(Asm.Size.DW, Reg.R1, 0, Reg.R2);
    }

    /** Events dropped so far. */
    public long count() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(JAVA_INT);
            MemorySegment value = arena.allocate(JAVA_LONG);
            map.lookup(key, value);
            return value.get(JAVA_LONG, 0);
        }
    }

    @Override
    public void close() {
        map.close();
    }
}
