package io.bpfring.link;

import io.bpfring.asm.Asm;
import io.bpfring.bpf.BpfMap;
import io.bpfring.asm.Helper;
import io.bpfring.asm.Reg;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * u64 slots in one array map value, which test programs add to and store into through direct
 * value access, and which the test reads: how a test sees that an attached program ran.
 */
final class Counters implements AutoCloseable {
    private static final int SLOTS = 4;
    static final long SELF = ProcessHandle.current().pid();

    private final BpfMap map = BpfMap.array("counters", SLOTS * Long.BYTES, 1);

    /** Adds 1 to {@code slot}. Clobbers R1 and R2. */
    Asm increment(Asm asm, int slot) {
        return asm.loadMapValue(Reg.R1, map, slot * Long.BYTES)
                .mov(Reg.R2, 1)
                .atomicAdd(Asm.Size.DW, Reg.R1, 0, Reg.R2);
    }

    /** Stores {@code value} into {@code slot}. Clobbers R1. */
    Asm store(Asm asm, int slot, Reg value) {
        return asm.loadMapValue(Reg.R1, map, slot * Long.BYTES)
                .store(Asm.Size.DW, Reg.R1, 0, value);
    }

    /** Jumps to {@code label} unless this JVM is the current process. Clobbers R0-R5. */
    static Asm unlessSelf(Asm asm, String label) {
        return asm.call(Helper.GET_CURRENT_PID_TGID)
                .alu64(Asm.Alu.RSH, Reg.R0, 32)
                .jumpIf(Reg.R0, Asm.Jump.NE, (int) SELF, label);
    }

    /** A program that counts its runs in slot 0 (only this JVM's, when {@code selfOnly}) and returns {@code result}. */
    Asm counting(boolean selfOnly, int result) {
        Asm asm = new Asm();
        if (selfOnly) {
            unlessSelf(asm, "out");
        }
        return increment(asm, 0).label("out").mov(Reg.R0, result).exit();
    }

    long get(int slot) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment key = arena.allocate(JAVA_INT);
            MemorySegment value = arena.allocate(SLOTS * Long.BYTES);
            map.lookup(key, value);
            return value.get(JAVA_LONG, (long) slot * Long.BYTES);
        }
    }

    /**
     * Closes {@code link}, lets runs already in progress on other CPUs finish, then checks that
     * {@code trigger} no longer moves slot 0.
     */
    void assertDetachedOnClose(Link link, Runnable trigger) throws InterruptedException {
        link.close();
        Thread.sleep(50);
        long before = get(0);
        trigger.run();
        Thread.sleep(50);
        assertEquals(before, get(0), "counted after " + link + " was closed");
    }

    @Override
    public void close() {
        map.close();
    }
}
