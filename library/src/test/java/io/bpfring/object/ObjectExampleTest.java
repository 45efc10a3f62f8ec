package io.bpfring.object;

import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.MapType;
import io.bpfring.testing.Fixtures;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The example of the package's documentation, compiled and run. */
class ObjectExampleTest {
    @Test
    void anObjectIsOpenedTunedLoadedAndClosed() throws IOException {
        Kernel.require();
        Path path = Fixtures.object("lifecycle.bpf.o");
        long pid = ProcessHandle.current().pid();
        // @start region=load
        ObjectSpec spec = ObjectSpec.open(path);                 // no system call yet
        spec.variable("targ_tgid").setLong(pid);                 // const volatile pid_t targ_tgid = 0;
        spec.map("wakeups").setMaxEntries(4096);
        try (BpfObject object = spec.load()) {                   // CO-RE, BTF, maps, .rodata frozen, programs
            BpfMap events = object.map("events", MapType.RINGBUF);   // for a RingBufReader
            int programs = object.programs().size();             // 9, none attached yet: object.attach(name)
            // @end
            assertEquals(1 << 20, events.info().maxEntries());
            assertEquals(4096, object.map("wakeups").info().maxEntries());
            assertEquals(pid, ObjectTesting.le(object.readVariable("targ_tgid")).getInt(0));
            assertEquals(9, programs);
        }
    }
}
