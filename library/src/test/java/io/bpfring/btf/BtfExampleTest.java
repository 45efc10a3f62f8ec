package io.bpfring.btf;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The example of the package's documentation, compiled and run. */
class BtfExampleTest {
    @Test
    void aMemberOfAKernelStruct() throws IOException {
        assumeTrue(Files.isReadable(Btf.KERNEL), "the kernel has no BTF at " + Btf.KERNEL);
        // @start region=kernel
        Btf kernel = Btf.kernel();                                // /sys/kernel/btf/vmlinux
        int task = kernel.find("task_struct", BtfKind.STRUCT).orElseThrow();
        BtfType.Struct struct = (BtfType.Struct) kernel.type(task);
        BtfType.Member pid = struct.members().stream()
                .filter(member -> member.name().equals("pid"))
                .findFirst().orElseThrow();
        long offset = pid.bitOffset() / 8;                        // where a program reads task->pid
        String declared = kernel.declaration(pid.type(), pid.name());    // "pid_t pid"
        // @end
        assertEquals("pid_t pid", declared);
        assertTrue(offset > 0 && offset + 4 <= kernel.sizeOf(task), "offset " + offset);
    }
}
