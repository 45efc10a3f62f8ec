package io.bpfring.link;

import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.ProgramType;
import io.bpfring.Errno;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KprobeTest {
    private static final boolean HAS_KPROBES = Files.exists(Path.of("/sys/bus/event_source/devices/kprobe"));

    @BeforeEach
    void requireKernel() {
        Kernel.require();
    }

    /** On a kernel without kprobes (like the one this was written on) attaching says so; with them, see below. */
    @Test
    void aKprobeRunsUntilClosedOrTheKernelSaysItHasNone() throws Exception {
        if (HAS_KPROBES) {
            aKprobeRunsUntilClosed();
            return;
        }
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.KPROBE, "kp_sleep", counters.counting(false, 0))) {
            for (Kprobe probe : new Kprobe[] {Kprobe.of("do_nanosleep"), Kprobe.parse("do_nanosleep+4").returning(),
                    Kprobe.syscall("getpgid")}) {
                AttachException e = assertThrows(AttachException.class, () -> probe.attach(program));
                assertEquals(Errno.EOPNOTSUPP, e.errno());
                assertTrue(e.getMessage().startsWith("attach program 'kp_sleep' to k"), e.getMessage());
                assertTrue(e.getMessage().contains(" failed: EOPNOTSUPP: kprobes are not built into this kernel"
                        + " (CONFIG_KPROBES is off): /sys/bus/event_source/devices/kprobe is absent; trace with a"
                        + " tracepoint, a raw tracepoint or fentry instead"), e.getMessage());
            }
            AttachException ret = assertThrows(AttachException.class,
                    () -> Kprobe.parse("do_nanosleep+4").returning().attach(program));
            assertTrue(ret.getMessage().startsWith("attach program 'kp_sleep' to kretprobe do_nanosleep+4 failed"),
                    ret.getMessage());
        }
    }

    @Test
    void systemCallsAreProbedUnderTheirWrappedName() {
        String name = Kprobe.syscall("getpgid").toString();
        if (System.getProperty("os.arch").matches("amd64|x86_64")) {
            assertEquals("kprobe __x64_sys_getpgid", name);
        }
    }

    private static void aKprobeRunsUntilClosed() throws Exception {
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.KPROBE, "kp_getppid", counters.counting(true, 0))) {
            Link link = Kprobe.syscall("getppid").attach(program);
            Libc.getppid(5);
            assertTrue(counters.get(0) >= 5, "getppid calls counted: " + counters.get(0));
            counters.assertDetachedOnClose(link, () -> Libc.getppid(5));
        }
    }

    @Test
    void badTargetsAreClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> Kprobe.parse("do_nanosleep+zz"));
        assertThrows(IllegalArgumentException.class, () -> Kprobe.of("libc.so.6:getpid"));
        assertThrows(IllegalArgumentException.class, () -> Kprobe.of(""));
    }
}
