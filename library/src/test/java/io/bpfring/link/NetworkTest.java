package io.bpfring.link;

import io.bpfring.bpf.AttachType;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.ProgramType;
import io.bpfring.Errno;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** XDP and tcx on a veth pair, with real packets. */
class NetworkTest {
    private static final int XDP_PASS = 2;
    private static final int TCX_NEXT = -1;
    private static Veth veth;

    @BeforeAll
    static void createVeth() throws Exception {
        Kernel.require();
        veth = Veth.create();
    }

    @AfterAll
    static void deleteVeth() throws Exception {
        if (veth != null) {
            veth.close();
        }
    }

    @BeforeEach
    void requireKernel() {
        Kernel.require();
    }

    @Test
    void xdpSeesEveryPacketTheInterfaceReceivesUntilClosed() throws Exception {
        for (int flags : new int[] {0, Xdp.SKB_MODE}) {
            try (Counters counters = new Counters();
                 BpfProgram program = BpfProgram.load(ProgramType.XDP, "xdp_count", counters.counting(false, XDP_PASS))) {
                Link link = Xdp.attach(program, veth.b, flags);
                assertEquals("XDP on " + veth.b + (flags == 0 ? "" : " (generic)"), link.target());
                veth.send(10);
                assertTrue(counters.get(0) >= 10, "packets counted: " + counters.get(0));
                counters.assertDetachedOnClose(link, () -> veth.send(10));
            }
        }
    }

    @Test
    void aSecondXdpProgramOnTheSameInterfaceIsRefused() {
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.XDP, "xdp_one", counters.counting(false, XDP_PASS));
             Link first = Xdp.attach(program, veth.b)) {
            AttachException e = assertThrows(AttachException.class, () -> Xdp.attach(program, veth.b));
            assertEquals(Errno.EBUSY, e.errno());
            assertEquals("bpf(BPF_LINK_CREATE XDP) of program 'xdp_one' to XDP on " + veth.b + " failed: EBUSY: the"
                    + " interface has an XDP program already (in this or another mode); `ip link show` shows it,"
                    + " `ip link set dev <name> xdp off` removes one attached through netlink", e.getMessage());
            assertTrue(first.fd() > 0);
        }
    }

    @Test
    void tcxSeesWhatOneSideSendsAndTheOtherReceivesUntilClosed() throws Exception {
        try (Counters out = new Counters();
             Counters in = new Counters();
             BpfProgram egress = BpfProgram.load(ProgramType.SCHED_CLS, "tcx_out", out.counting(false, TCX_NEXT));
             BpfProgram ingress = BpfProgram.load(ProgramType.SCHED_CLS, "tcx_in", in.counting(false, TCX_NEXT))) {
            Link sent = Tcx.egress(egress, veth.a);
            Link received = Tcx.attach(ingress, veth.b, AttachType.TCX_INGRESS);
            assertEquals("tcx egress of " + veth.a, sent.target());
            assertEquals("tcx ingress of " + veth.b, received.target());
            veth.send(10);
            assertTrue(out.get(0) >= 10, "packets sent: " + out.get(0));
            assertTrue(in.get(0) >= 10, "packets received: " + in.get(0));
            out.assertDetachedOnClose(sent, () -> veth.send(10));
            in.assertDetachedOnClose(received, () -> veth.send(10));
        }
    }

    @Test
    void wrongInterfacesProgramsAndDirectionsAreClearErrors() {
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.SCHED_CLS, "tc", counters.counting(false, 0))) {
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                    () -> Tcx.ingress(program, "nosuchif0"));
            assertEquals("no network interface 'nosuchif0' here; list them with: ip link", none.getMessage());
            IllegalArgumentException direction = assertThrows(IllegalArgumentException.class,
                    () -> Tcx.attach(program, veth.a, AttachType.XDP));
            assertEquals("tcx attaches at TCX_INGRESS or TCX_EGRESS, not XDP", direction.getMessage());
            IllegalArgumentException type = assertThrows(IllegalArgumentException.class,
                    () -> Xdp.attach(program, veth.a));
            assertTrue(type.getMessage().endsWith("it is a SCHED_CLS program, and XDP on " + veth.a
                    + " runs XDP programs"), type.getMessage());
            AttachException index = assertThrows(AttachException.class,
                    () -> Tcx.attach(program, 999_999, AttachType.TCX_INGRESS));
            assertEquals(Errno.ENODEV, index.errno());
            assertTrue(index.getMessage().endsWith("no interface has index 999999"), index.getMessage());
        }
    }
}
