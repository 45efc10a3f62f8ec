package io.bpfring.object;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfKind;
import io.bpfring.btf.BtfType;
import io.bpfring.SyscallException;
import io.bpfring.testing.Fixtures;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static io.bpfring.object.ObjectTesting.open;
import static io.bpfring.object.ObjectTesting.openFds;
import static io.bpfring.object.ObjectTesting.options;
import static io.bpfring.object.ObjectTesting.u32;
import static io.bpfring.object.ObjectTesting.u64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every fixture loads, but for the programs this kernel refuses. */
class FixturesLoadTest {
    /** Refused by this kernel with EPERM (no fentry, fexit, fmod_ret or LSM here), as testdata/README.md says. */
    private static final Set<String> REFUSED = Set.of("sec_fentry", "sec_fexit", "sec_fmod_ret", "sec_lsm");

    @BeforeEach
    void requireKernel() throws IOException {
        Kernel.require();
        ObjectTesting.removePins();
    }

    @AfterEach
    void unpin() throws IOException {
        ObjectTesting.removePins();
    }

    @Test
    void everyFixtureLoadsEveryProgramThisKernelTakes() throws IOException {
        for (Path path : Fixtures.objects()) {
            ObjectSpec spec = ObjectSpec.open(path);
            List<String> expected = spec.programs().stream()
                    .filter(p -> !REFUSED.contains(p.name())).map(ProgramSpec::name).toList();
            spec.programs().forEach(p -> p.setAutoload(expected.contains(p.name())));
            try (BpfObject o = spec.load(options())) {
                assertEquals(expected, List.copyOf(o.programs().keySet()), path.getFileName().toString());
                assertEquals(spec.maps().size(), o.maps().size());
            }
        }
    }

    @Test
    void sectionFamiliesLoadAsTheirTypesAndRun() throws IOException {
        try (BpfObject o = open("sections.bpf.o").load(options())) {
            assertEquals(14, o.program("sec_syscall").testRun(MemorySegment.NULL));
            assertEquals(50, o.program("sec_socket").testRunData(new byte[64]), "skb->len after the Ethernet header");
            assertEquals(2, o.program("sec_xdp").testRunData(new byte[64]));
            assertEquals(0, o.program("sec_tc").testRunData(new byte[64]));
            assertEquals(1, o.program("sec_cgroup_skb").testRunData(new byte[64]));
            for (int slot : new int[]{10, 11, 12, 13, 14}) {
                assertEquals(1, u64(o.map("counts").lookup(u32(slot)).orElseThrow()), "counts[" + slot + "]");
            }
        }
    }

    @Test
    void tcxProgramsLoadWithTheirAttachTypes() throws IOException {
        try (BpfObject o = open("tcx.bpf.o").load(options())) {
            assertEquals(-1, o.program("sec_tcx_ingress").testRunData(new byte[64]), "TCX_NEXT");
            assertEquals(-1, o.program("sec_tcx_egress").testRunData(new byte[64]));
            assertEquals(1, u64(o.map("counts").lookup(u32(0)).orElseThrow()));
            assertEquals(1, u64(o.map("counts").lookup(u32(1)).orElseThrow()));
        }
    }

    @Test
    void aLinkedObjectsHiddenFunctionIsStaticInTheLoadedBtf() throws IOException {
        ObjectSpec spec = open("linked.bpf.o");
        Btf btf = spec.btf().orElseThrow();
        int id = btf.find("linked_count", BtfKind.FUNC).orElseThrow();
        assertEquals(BtfType.Linkage.STATIC, ((BtfType.Func) btf.type(id)).linkage(),
                "hidden: verified with its caller");
        try (BpfObject o = spec.load(options())) {
            assertEquals(List.of("linked_execve", "linked_getpgid"), List.copyOf(o.programs().keySet()));
        }
    }

    @Test
    void aProgramTheKernelRefusesFailsTheLoadNamingItAndLeavesNothing() throws IOException {
        ObjectSpec spec = open("unsupported.bpf.o");
        try (BpfObject warm = open("tcx.bpf.o").load(options())) {
            assertEquals(2, warm.programs().size()); // lazily loaded JVM and library state first
        }
        long fds = openFds();
        ObjectException e = assertThrows(ObjectException.class, () -> spec.load(options()));
        assertTrue(e.getMessage().startsWith("program 'sec_fentry' (section 'fentry/do_nanosleep', 12 instructions): "),
                e.getMessage());
        assertEquals("EPERM", assertInstanceOf(SyscallException.class, e.getCause()).errnoName());
        assertEquals(fds, openFds(), "every map and program of the failed load is closed");
        REFUSED.forEach(name -> spec.program(name).setAutoload(false));
        try (BpfObject o = spec.load(options())) {
            assertEquals(List.of("sec_kprobe", "sec_kretprobe", "sec_ksyscall", "sec_kretsyscall"),
                    List.copyOf(o.programs().keySet()));
        }
    }
}
