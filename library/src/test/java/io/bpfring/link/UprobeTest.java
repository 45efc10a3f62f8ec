package io.bpfring.link;

import io.bpfring.asm.Asm;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.asm.Helper;
import io.bpfring.bpf.ProgramType;
import io.bpfring.asm.Reg;
import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfKind;
import io.bpfring.btf.BtfType;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UprobeTest {
    @BeforeEach
    void requireKernel() {
        Kernel.require();
    }

    @Test
    void aUprobeOnLibcRunsOnEveryCallUntilClosed() throws Exception {
        try (Counters counters = new Counters()) {
            Asm asm = new Asm().mov(Reg.R6, Reg.R1);
            Counters.unlessSelf(asm, "out");
            counters.increment(asm, 0).mov(Reg.R1, Reg.R6).call(Helper.GET_ATTACH_COOKIE);
            counters.store(asm, 1, Reg.R0).label("out").mov(Reg.R0, 0).exit();
            try (BpfProgram program = BpfProgram.load(ProgramType.KPROBE, "up_getpid", asm)) {
                Link link = Uprobe.of("libc.so.6", "getpid").cookie(0x5eed).attach(program);
                assertTrue(link.target().matches("uprobe /.*/libc\\.so\\.6:getpid \\(offset 0x[0-9a-f]+\\)"), link.target());
                for (int i = 0; i < 5; i++) {
                    assertEquals(Counters.SELF, Libc.getpid());
                }
                assertTrue(counters.get(0) >= 5, "getpid calls counted: " + counters.get(0));
                assertEquals(0x5eed, counters.get(1), "the attach cookie");
                counters.assertDetachedOnClose(link, () -> Libc.getpid());
            }
        }
    }

    @Test
    void aUretprobeSeesTheReturnValue() throws Exception {
        // The return value register of struct pt_regs, from the kernel's BTF rather than hard-coded.
        BtfType.Struct regs = (BtfType.Struct) kernelBtf().type(kernelBtf().find("pt_regs", BtfKind.STRUCT).orElseThrow());
        String rc = System.getProperty("os.arch").equals("aarch64") ? "regs" : "ax";
        int axOffset = regs.members().stream().filter(m -> m.name().equals(rc)).findFirst().orElseThrow().bitOffset() / 8;
        try (Counters counters = new Counters()) {
            Asm asm = new Asm().mov(Reg.R6, Reg.R1);
            Counters.unlessSelf(asm, "out");
            counters.increment(asm, 0).load(Asm.Size.DW, Reg.R2, Reg.R6, axOffset);
            counters.store(asm, 1, Reg.R2).label("out").mov(Reg.R0, 0).exit();
            try (BpfProgram program = BpfProgram.load(ProgramType.KPROBE, "uret_getpid", asm)) {
                Link link = Uprobe.parse("libc.so.6:getpid").returning().pid((int) Counters.SELF).attach(program);
                assertTrue(link.target().startsWith("uretprobe /"), link.target());
                assertTrue(link.target().endsWith(" in pid " + Counters.SELF), link.target());
                Libc.getpid();
                Libc.getpid();
                assertTrue(counters.get(0) >= 2, "getpid returns counted: " + counters.get(0));
                assertEquals(Counters.SELF, counters.get(1), "getpid's return value, as the uretprobe read it");
                counters.assertDetachedOnClose(link, () -> Libc.getpid());
            }
        }
    }

    @Test
    void aUprobeForAnotherProcessDoesNotFireHere() throws Exception {
        Process other = new ProcessBuilder("sleep", "30").start();
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.KPROBE, "up_other", counters.counting(false, 0))) {
            try (Link link = Uprobe.of("libc.so.6", "getpid").pid((int) other.pid()).attach(program)) {
                for (int i = 0; i < 5; i++) {
                    Libc.getpid();
                }
                assertEquals(0, counters.get(0), "calls of this process, which the probe is not for");
            }
        } finally {
            other.destroy();
            other.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void libraryNamesResolveToWhatTheProcessMaps() throws Exception {
        Path libc = Uprobe.resolve("libc.so.6", -1);
        assertTrue(Files.readString(Path.of("/proc/self/maps")).contains(" " + libc + "\n"), libc.toString());
        assertEquals(libc, Uprobe.resolve(libc.toString(), -1));
        Path sleep = Uprobe.resolve("sleep", -1);
        assertTrue(Files.isExecutable(sleep), sleep.toString());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Uprobe.resolve("libno-such-library.so.9", -1));
        assertTrue(missing.getMessage().startsWith("cannot find libno-such-library.so.9 for a uprobe: this process does"
                + " not map it, and it is in none of ["), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Uprobe.resolve("/no/such/file", -1));
    }

    @Test
    void badTargetsAndMissingFunctionsAreClearErrors() {
        for (String bad : new String[] {"libc.so.6", ":getpid", "libc.so.6:", "libc.so.6:getpid+x1"}) {
            assertThrows(IllegalArgumentException.class, () -> Uprobe.parse(bad), bad);
        }
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.KPROBE, "up_none", counters.counting(false, 0))) {
            IllegalArgumentException function = assertThrows(IllegalArgumentException.class,
                    () -> Uprobe.of("libc.so.6", "no_such_function").attach(program));
            assertTrue(function.getMessage().startsWith("uprobe on no_such_function: /")
                    && function.getMessage().endsWith("libc.so.6 defines no function 'no_such_function' in .symtab or"
                    + " .dynsym"), function.getMessage());
            IllegalArgumentException version = assertThrows(IllegalArgumentException.class,
                    () -> Uprobe.of("libc.so.6", "memcpy@GLIBC_2.2.5"));
            assertTrue(version.getMessage().contains("symbol versions are not supported"), version.getMessage());
        }
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.TRACEPOINT, "tp", counters.counting(false, 0))) {
            IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                    () -> Uprobe.of("libc.so.6", "getpid").attach(program));
            assertTrue(type.getMessage().contains("it is a TRACEPOINT program, and uprobe"), type.getMessage());
            assertTrue(type.getMessage().endsWith("runs KPROBE programs"), type.getMessage());
        }
    }

    private static Btf kernel;

    private static synchronized Btf kernelBtf() throws Exception {
        if (kernel == null) {
            kernel = Btf.kernel();
        }
        return kernel;
    }
}
