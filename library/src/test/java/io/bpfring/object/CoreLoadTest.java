package io.bpfring.object;

import io.bpfring.bpf.MapType;
import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfKind;
import io.bpfring.btf.BtfType;
import io.bpfring.link.Link;
import io.bpfring.ringbuf.RingBufReader;
import io.bpfring.testing.Kernel;
import io.bpfring.testing.Syscalls;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.bpfring.object.ObjectTesting.le;
import static io.bpfring.object.ObjectTesting.open;
import static io.bpfring.object.ObjectTesting.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** core.bpf.o: every CO-RE relocation kind clang 14 emits, checked against what /proc says of this thread. */
class CoreLoadTest {
    /** The fields of a /proc stat file after the command name, numbered as proc(5) numbers them (3 = state). */
    private static String[] stat(String file) throws IOException {
        String s = Files.readString(Path.of(file));
        String[] rest = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
        String[] fields = new String[rest.length + 3];
        System.arraycopy(rest, 0, fields, 3, rest.length);
        return fields;
    }

    @Test
    void theEventDescribesTheCallingThreadThroughTheKernelsOwnLayout() throws IOException {
        Kernel.require();
        ObjectSpec spec = open("core.bpf.o");
        long pid = ProcessHandle.current().pid();
        spec.variable("targ_tgid").setLong(pid);
        List<byte[]> events = new ArrayList<>();
        String[] proc;
        String[] thread;
        int tid = Integer.parseInt(Path.of("/proc/thread-self").toRealPath().getFileName().toString());
        try (BpfObject o = spec.load();
             RingBufReader reader = RingBufReader.of(o.map("events", MapType.RINGBUF),
                     r -> events.add(r.toByteArray()))) {
            try (Link link = o.attach("core_getpgid")) {
                Syscalls.getpgid(0);
                proc = stat("/proc/self/stat");
                thread = stat("/proc/thread-self/stat");
            }
            reader.consume();
        }
        assertEquals(1, events.size(), "one getpgid from this process");
        ByteBuffer e = le(events.getFirst());
        assertEquals(136, e.capacity());
        assertEquals(pid, e.getInt(0), "pid");
        assertEquals(tid, e.getInt(4), "tid");
        assertEquals(Integer.parseInt(proc[4]), e.getInt(8), "ppid");
        assertEquals(Integer.parseInt(proc[5]), e.getInt(12), "pgid");
        assertEquals(Integer.parseInt(proc[6]), e.getInt(16), "sid");
        assertTrue(e.getInt(20) > 1, "nr_threads of a JVM");
        assertEquals(Integer.parseUnsignedInt(thread[9]), e.getInt(24), "flags");
        assertEquals(Integer.parseInt(thread[18]) + 100, e.getInt(28), "prio");
        assertEquals(120 + Integer.parseInt(thread[19]), e.getInt(32), "static_prio");
        assertEquals(0, e.getInt(36), "state: TASK_RUNNING");
        assertEquals(Long.parseLong(proc[22]), e.getLong(40) / 10_000_000, "start_time in clock ticks of 100 Hz");
        assertEquals(Files.readString(Path.of("/proc/thread-self/comm")).strip(), string(e.array(), 48, 16));
        assertEquals(Files.readString(Path.of("/proc/self/comm")).strip(), string(e.array(), 64, 16));
        Btf kernel = Btf.kernel();
        int taskStruct = kernel.find("task_struct", BtfKind.STRUCT).orElseThrow();
        List<Integer> flags = List.of(e.getInt(80), e.getInt(84), e.getInt(88), e.getInt(92), e.getInt(96),
                e.getInt(100), e.getInt(104), e.getInt(108));
        assertEquals(List.of(16, 1, 0, 1, 0, 1, 0, 2), flags, "comm size, exists checks, enum value");
        assertEquals(taskStruct, e.getInt(112), "task_struct's id in vmlinux");
        assertEquals(spec.btf().orElseThrow().find("task_struct", BtfKind.STRUCT).orElseThrow(), e.getInt(116));
        assertEquals(kernel.sizeOf(taskStruct), e.getInt(120));
        assertEquals(0, e.getInt(124), "sched_reset_on_fork");
        assertEquals(0, e.getInt(128), "in_execve");
        BtfType.Member pidMember = ((BtfType.Struct) kernel.type(taskStruct)).member("pid").orElseThrow();
        assertEquals(pidMember.bitOffset() / 8, e.getInt(132), "task_struct.pid's offset");
    }
}
