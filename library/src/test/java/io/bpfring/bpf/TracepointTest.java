package io.bpfring.bpf;

import io.bpfring.asm.Asm;
import io.bpfring.asm.Reg;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TracepointTest {
    @BeforeEach
    void requireKernel() {
        Kernel.require();
    }

    @Test
    void fieldsComeFromTheTracefsFormatFile() throws Exception {
        Tracepoint exec = Tracepoint.of("sched", "sched_process_exec");
        String id = Files.readString(Mounts.tracefs().resolve("events/sched/sched_process_exec/id")).trim();
        assertEquals(Integer.parseInt(id), exec.id());
        assertTrue(exec.field("filename").isDataLoc());
        assertEquals(4, exec.field("filename").size());
        String format = Files.readString(Mounts.tracefs().resolve("events/sched/sched_process_exec/format"));
        Tracepoint.Field pid = exec.field("pid");
        assertTrue(format.contains("field:pid_t pid;\toffset:" + pid.offset() + ";\tsize:4;\tsigned:1;"), format);
        assertTrue(pid.signed());
        assertFalse(pid.isDataLoc());
    }

    @Test
    void parsesArraysAndDataLocations() {
        List<Tracepoint.Field> fields = Tracepoint.parse(List.of(
                "name: sched_process_fork",
                "format:",
                "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;",
                "\tfield:char parent_comm[16];\toffset:8;\tsize:16;\tsigned:0;",
                "\tfield:__data_loc char[] filename;\toffset:24;\tsize:4;\tsigned:0;",
                "",
                "print fmt: \"comm=%s\", REC->parent_comm"));
        assertEquals(List.of(
                new Tracepoint.Field("common_type", "unsigned short", 0, 2, false),
                new Tracepoint.Field("parent_comm", "char", 8, 16, false),
                new Tracepoint.Field("filename", "__data_loc char[]", 24, 4, false)), fields);
    }

    @Test
    void aMissingTracepointOrFieldIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tracepoint.of("sched", "no_such_tracepoint"));
        assertTrue(e.getMessage().contains("no tracepoint sched/no_such_tracepoint"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tracepoint.of("../..", "etc"));
        IllegalArgumentException field = assertThrows(IllegalArgumentException.class,
                () -> Tracepoint.of("sched", "sched_process_exec").field("nope"));
        assertTrue(field.getMessage().contains("[common_type"), field.getMessage());
    }
}
