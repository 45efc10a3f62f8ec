package io.bpfring.object;

import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static io.bpfring.object.ObjectTesting.open;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** lifecycle.bpf.o, a libbpf-tools-sized tracer: nine programs with CO-RE, eight maps, large .rodata. */
class LifecycleLoadTest {
    @Test
    void allNineProgramsLoadUnderTheirFullNamesAndTheKernelsShortOnes() throws IOException {
        Kernel.require();
        ObjectSpec spec = open("lifecycle.bpf.o");
        spec.variable("max_args").setLong(8);
        spec.map("wakeups").setMaxEntries(4096);
        try (BpfObject o = spec.load()) {
            assertEquals(List.of("lifecycle_exec_enter", "lifecycle_exec_exit", "lifecycle_exit", "lifecycle_fork",
                    "lifecycle_open_enter", "lifecycle_open_exit", "lifecycle_wakeup", "lifecycle_wakeup_new",
                    "lifecycle_switch"), List.copyOf(o.programs().keySet()));
            assertEquals("lifecycle_exec_", o.program("lifecycle_exec_enter").name());
            assertEquals("lifecycle_exit", o.program("lifecycle_exit").name());
            assertEquals(4096, o.map("wakeups").info().maxEntries());
            assertEquals(1 << 20, o.map("events").info().maxEntries());
            assertEquals(8, ObjectTesting.le(o.readVariable("max_args")).getInt(0));
            assertEquals(9, o.maps().size());
        }
    }
}
