package io.bpfring.object;

import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.Mounts;
import io.bpfring.VerifierException;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

import static io.bpfring.object.ObjectTesting.openFds;
import static io.bpfring.object.ObjectTesting.options;
import static io.bpfring.object.ObjectTesting.pinRoot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile objects: each fails with an {@link ObjectException} that says what and where, and
 * leaves no fd open and no pin behind.
 */
class BadObjectTest {
    private static final int EM_X86_64 = 62;
    private static final int R_BPF_64_32 = 10;

    @BeforeAll
    static void warmUp() throws IOException {
        Kernel.require();
        ObjectTesting.removePins();
        // Lazily loaded JVM and library state (classes, the kernel's configuration) before fds are counted.
        try (BpfObject o = ObjectTesting.open("globals.bpf.o").load(options())) {
            assertEquals(2, o.programs().size());
        }
        ObjectTesting.removePins();
    }

    @BeforeEach
    @AfterEach
    void unpin() throws IOException {
        ObjectTesting.removePins();
    }

    /** Opens and loads {@code bytes}; the failure's message, after checking nothing was left. */
    private static String failure(byte[] bytes) throws IOException {
        return failure(() -> ObjectSpec.parse("bad", bytes).load(options()));
    }

    private static String failure(Supplier<BpfObject> load) throws IOException {
        long fds = openFds();
        ObjectException e = assertThrows(ObjectException.class, () -> load.get().close());
        assertEquals(fds, openFds(), "fds left open by: " + e.getMessage());
        assertFalse(Files.exists(pinRoot()), "a pin or its directory left by: " + e.getMessage());
        return e.getMessage();
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' not in: " + message);
        }
    }

    @Test
    void truncatedObjects() throws IOException {
        ElfEdit globals = ElfEdit.of("globals.bpf.o");
        assertContains(failure(globals.truncated(40)), "ELF header runs past the end of the file (40 bytes)");
        assertContains(failure(globals.truncated(globals.bytes().length - 100)), "section header table",
                "runs past the end of the file");
        assertContains(failure(new byte[0]), "runs past the end of the file (0 bytes)");
    }

    @Test
    void anObjectForAnotherMachine() throws IOException {
        assertContains(failure(ElfEdit.of("globals.bpf.o").machine(EM_X86_64).bytes()),
                "not a BPF object: e_machine is 62, not EM_BPF (247)");
    }

    @Test
    void mapsWithoutBtf() throws IOException {
        assertContains(failure(ElfEdit.of("globals.bpf.o").renameSection(".BTF", ".BTX").bytes()),
                "extern 'LINUX_KERNEL_VERSION': the object has no .BTF to say what it is");
        assertContains(failure(ElfEdit.of("subprogs.bpf.o").renameSection(".BTF", ".BTX").bytes()),
                "section '.maps' declares maps in BTF, but the object has no .BTF section");
    }

    @Test
    void aProgramInASectionNoTableEntryKnows() throws IOException {
        byte[] bytes = ElfEdit.of("subprogs.bpf.o").renameSection("syscall", "sysfoo_").bytes();
        ObjectSpec spec = ObjectSpec.parse("subprogs", bytes);
        ProgramSpec p = spec.programs().getFirst();
        assertEquals("sysfoo_", p.section());
        assertEquals("subprogs_sysfoo_", p.name(), "clang's one string table shares the tail of the name");
        assertTrue(p.sectionDef().isEmpty());
        assertEquals(io.bpfring.bpf.ProgramType.UNSPEC, p.type());
        assertContains(failure(bytes), "program 'subprogs_sysfoo_' (section 'sysfoo_'): the section name matches no"
                + " program type");
    }

    @Test
    void aRelocationAgainstAnUndefinedSymbol() throws IOException {
        ElfEdit e = ElfEdit.of("globals.bpf.o");
        e.symbolSection(e.symbol("data_int"), 0); // a global object whose definition went missing
        assertContains(failure(e.bytes()), "program 'globals_run' (section 'syscall') instruction 58: relocation"
                + " against 'data_int': the symbol is undefined");
    }

    @Test
    void aRelocationAgainstASymbolNotInTheTable() throws IOException {
        byte[] bytes = ElfEdit.of("subprogs.bpf.o").relocation("syscall", 0x18, 999, R_BPF_64_32).bytes();
        // The ELF reader refuses the table itself, naming the relocation and its section.
        assertContains(failure(bytes), "relocation 0 of section 5 '.relsyscall': symbol 999 is not in the symbol"
                + " table (29 entries)");
    }

    @Test
    void aCallIntoNowhere() throws IOException {
        // syscall instruction 7 calls mix_both_ways (.text instruction 36) through the .text section symbol.
        byte[] bytes = ElfEdit.of("subprogs.bpf.o").imm("syscall", 7, 30).bytes();
        assertContains(failure(bytes), "program 'subprogs_syscall' (section 'syscall') instruction 7: relocation"
                + " against '.text': a call into nowhere: no function of .text starts at instruction 31");
        // .text instruction 38: mix_both_ways calls mix without a relocation; point it past the end.
        byte[] local = ElfEdit.of("subprogs.bpf.o").imm(".text", 38, 1000).bytes();
        assertContains(failure(local), "program 'mix_both_ways' (section '.text') instruction 38: a call into"
                + " nowhere: no function of .text starts at instruction 1039");
    }

    @Test
    void aCallOfAnExternFunction() throws IOException {
        ElfEdit e = ElfEdit.of("globals.bpf.o");
        // Instruction 87 loads CONFIG_HZ: make it a call with a call relocation against the extern.
        e.insn("syscall", 87, 0x85, 0, 1, 0, -1).relocation("syscall", 87 * 8, e.symbol("CONFIG_HZ"), R_BPF_64_32);
        assertContains(failure(e.bytes()), "program 'globals_run' (section 'syscall') instruction 87: relocation"
                + " against 'CONFIG_HZ': a call to an extern function (a kfunc or helper declared extern) is not"
                + " supported");
    }

    @Test
    void aRelocationOnAnInstructionThatTakesNone() throws IOException {
        byte[] bytes = ElfEdit.of("globals.bpf.o").insn("syscall", 87, 0xb7, 3, 0, 0, 0).bytes(); // r3 = 0
        assertContains(failure(bytes), "program 'globals_run' (section 'syscall') instruction 87: relocation against"
                + " 'CONFIG_HZ': instruction 0xb7 is neither an ld_imm64 nor a call");
    }

    @Test
    void aVerifierRejectionCarriesTheLogWithSourceLinesAndRemovesThePinItMade() throws IOException {
        // globals_getpgid's first instruction becomes r0 = *(u64 *)(r9 + 0): r9 was never set.
        byte[] bytes = ElfEdit.of("globals.bpf.o").insn("tp/syscalls/sys_enter_getpgid", 0, 0x79, 0, 9, 0, 0).bytes();
        long fds = openFds();
        ObjectException e = assertThrows(ObjectException.class,
                () -> ObjectSpec.parse("globals", bytes).load(options()));
        assertEquals(fds, openFds());
        assertFalse(Files.exists(pinRoot()), "the pin made by the failed load, and its directory, are gone");
        assertContains(e.getMessage(), "program 'globals_getpgid' (section 'tp/syscalls/sys_enter_getpgid', 18"
                + " instructions)", "R9 !read_ok");
        VerifierException v = assertInstanceOf(VerifierException.class, e.getCause());
        assertContains(v.log(), "; pid_t tgid = bpf_get_current_pid_tgid() >> 32;", "R9 !read_ok");
    }

    @Test
    void anIncompatiblePinnedMapIsRefusedAndLeftAlone() throws IOException {
        Path pin = pinRoot().resolve("fixture_pinned");
        Files.createDirectories(pinRoot());
        try (BpfMap other = BpfMap.hash("fixture_pinned", 4, 8, 2)) {
            other.pin(pin);
        }
        long fds = openFds();
        ObjectException e = assertThrows(ObjectException.class,
                () -> ObjectTesting.open("globals.bpf.o").load(options()));
        assertEquals(fds, openFds());
        assertContains(e.getMessage(), "map 'fixture_pinned': the map pinned at " + pin + " is HASH (key 4, value 8,"
                + " max_entries 2", "the object declares ARRAY (key 4, value 8, max_entries 1",
                "remove the pin or change the declaration");
        assertTrue(Files.exists(pin), "a pin the load did not make stays");
        assertTrue(pin.startsWith(Mounts.BPFFS));
    }

    @Test
    void aStrongKconfigExternTheKernelDoesNotSet() throws IOException {
        LoadOptions noConfig = options().withKconfig(Kconfig.of("", Kconfig.version(6, 18, 0)));
        assertContains(failure(() -> {
            try {
                return ObjectTesting.open("globals.bpf.o").load(noConfig);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }), "extern 'CONFIG_BPF_SYSCALL' (__kconfig): the kernel's configuration does not set it and it is not __weak");
    }
}
