package io.bpfring.object;

import io.bpfring.link.Link;
import io.bpfring.bpf.MapType;
import io.bpfring.perf.PerfBufReader;
import io.bpfring.ringbuf.RingBufReader;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static io.bpfring.object.ObjectTesting.le;
import static io.bpfring.object.ObjectTesting.open;
import static io.bpfring.object.ObjectTesting.string;
import static io.bpfring.object.ObjectTesting.u32;
import static io.bpfring.object.ObjectTesting.u64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The article's exec tracers, three ways, and the linked object's: one exec of /bin/true, one event. */
class ExecTracerTest {
    /** {@code struct event}: pid, comm[16], filename[512]. */
    private record Event(int pid, String comm, String filename) {
        static Event of(byte[] b) {
            return new Event(le(b).getInt(0), string(b, 4, 16), string(b, 20, 512));
        }
    }

    @BeforeEach
    void requireKernel() {
        Kernel.require();
    }

    /** Runs /bin/true; its pid. */
    private static long runTrue() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/true").start();
        assertEquals(0, p.waitFor());
        return p.pid();
    }

    private static void assertOneExecOfTrue(List<Event> events, long pid) {
        List<Event> mine = events.stream().filter(e -> e.pid() == pid && e.filename().equals("/bin/true")).toList();
        assertEquals(1, mine.size(), "events: " + events);
        assertTrue(!mine.getFirst().comm().isEmpty());
    }

    private void ringTracer(String fixture, String program, String drops, int dropSlot) throws Exception {
        List<Event> events = new ArrayList<>();
        long pid;
        try (BpfObject o = open(fixture).load();
             RingBufReader reader = RingBufReader.of(o.map("events", MapType.RINGBUF),
                     r -> events.add(Event.of(r.toByteArray())))) {
            try (Link link = o.attach(program)) {
                pid = runTrue();
            }
            reader.consume();
            assertEquals(0, u64(o.map(drops).lookup(u32(dropSlot)).orElseThrow()), "drops");
        }
        assertOneExecOfTrue(events, pid);
    }

    @Test
    void ringbufOutput() throws Exception {
        ringTracer("execsnoop_ringbuf_output.bpf.o", "execsnoop_ringbuf_output", "drops", 0);
    }

    @Test
    void ringbufReserveSubmit() throws Exception {
        ringTracer("execsnoop_ringbuf_reserve.bpf.o", "execsnoop_ringbuf_reserve", "drops", 0);
    }

    @Test
    void linkedObject() throws Exception {
        ringTracer("linked.bpf.o", "linked_execve", "linked_counts", 1); // [0] counts submitted events
    }

    @Test
    void perfbufOutput() throws Exception {
        List<Event> events = new ArrayList<>();
        long pid;
        try (BpfObject o = open("execsnoop_perfbuf.bpf.o").load();
             PerfBufReader reader = PerfBufReader.builder(o.map("events", MapType.PERF_EVENT_ARRAY))
                     .onSample((cpu, s) -> events.add(Event.of(s.toByteArray()))).open()) {
            assertEquals(io.bpfring.bpf.Cpus.possibleCount(), o.map("events").maxEntries(),
                    "one slot per possible CPU");
            try (Link link = o.attach("execsnoop_perfbuf")) {
                pid = runTrue();
            }
            reader.consume();
            assertEquals(0, u64(o.map("drops").lookup(u32(0)).orElseThrow()), "drops");
        }
        assertOneExecOfTrue(events, pid);
    }
}
