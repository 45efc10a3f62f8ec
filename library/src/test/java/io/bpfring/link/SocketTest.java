package io.bpfring.link;

import io.bpfring.bpf.AttachType;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.ProgramType;
import io.bpfring.Errno;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Socket filters on a socket of the test's own, and cgroup_skb programs on a cgroup of its own. */
class SocketTest {
    private static final int CGROUP_SKB_ALLOW = 1;

    @BeforeEach
    void requireKernel() {
        Kernel.require();
    }

    private static void sendTo(int port, int count) {
        try (DatagramSocket sender = new DatagramSocket()) {
            for (int i = 0; i < count; i++) {
                sender.send(new DatagramPacket(new byte[32], 32, InetAddress.getLoopbackAddress(), port));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aSocketFilterSeesWhatTheSocketReceivesUntilClosed() throws Exception {
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.SOCKET_FILTER, "sock_count", counters.counting(false, 0));
             Libc.UdpSocket socket = Libc.UdpSocket.open()) {
            Link link = SocketFilter.attach(program, socket.fd());
            assertEquals("socket fd " + socket.fd(), link.target());
            assertEquals(-1, link.fd(), "no BPF link");
            sendTo(socket.port(), 5);
            assertTrue(counters.get(0) >= 5, "datagrams counted: " + counters.get(0));
            counters.assertDetachedOnClose(link, () -> sendTo(socket.port(), 5));
        }
    }

    @Test
    void theFilterLinkOutlivesTheCallersSocketFd() throws Exception {
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.SOCKET_FILTER, "sock_keep", counters.counting(false, 0))) {
            Libc.UdpSocket socket = Libc.UdpSocket.open();
            Link link = SocketFilter.attach(program, socket.fd());
            socket.close();
            sendTo(socket.port(), 3); // the link's own fd keeps the socket, and its filter, alive
            assertTrue(counters.get(0) >= 3, "datagrams counted: " + counters.get(0));
            link.close();
        }
    }

    @Test
    void aFilterOnSomethingElseThanASocketIsAClearError() {
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.SOCKET_FILTER, "sock_bad", counters.counting(false, 0))) {
            AttachException e = assertThrows(AttachException.class, () -> SocketFilter.attach(program, program.fd()));
            assertEquals(Errno.ENOTSOCK, e.errno());
            assertEquals("setsockopt(SO_ATTACH_BPF) of program 'sock_bad' to socket fd " + program.fd() + " failed:"
                    + " ENOTSOCK: fd " + program.fd() + " is not a socket", e.getMessage());
        }
    }

    /** A child in {@code cgroup} that connects to {@code port} and sends a line, with bash's /dev/tcp. */
    private static void connectFrom(Path cgroup, ServerSocket server) {
        try {
            Process child = new ProcessBuilder("bash", "-c", "echo $$ > " + cgroup.resolve("cgroup.procs")
                    + " && exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + " && echo hello >&3").start();
            try (Socket accepted = server.accept()) {
                accepted.setSoTimeout(5000);
                assertEquals("hello", new BufferedReader(new InputStreamReader(accepted.getInputStream())).readLine());
            }
            assertTrue(child.waitFor(5, TimeUnit.SECONDS));
            assertEquals(0, child.exitValue(), new String(child.getErrorStream().readAllBytes()));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void cgroupSkbProgramsSeeTheTrafficOfTheCgroupsProcessesUntilClosed() throws Exception {
        Path cgroup = Cgroups.root().resolve("bpfring-link-test-" + ProcessHandle.current().pid());
        Files.createDirectories(cgroup);
        try (Counters in = new Counters();
             Counters out = new Counters();
             BpfProgram ingress = BpfProgram.load(ProgramType.CGROUP_SKB, "cg_in", in.counting(false, CGROUP_SKB_ALLOW));
             BpfProgram egress = BpfProgram.load(ProgramType.CGROUP_SKB, "cg_out", out.counting(false, CGROUP_SKB_ALLOW));
             ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Link received = Cgroups.attach(ingress, cgroup, AttachType.CGROUP_INET_INGRESS);
            Link sent = Cgroups.attach(egress, cgroup, AttachType.CGROUP_INET_EGRESS);
            assertEquals("CGROUP_INET_INGRESS of cgroup " + cgroup, received.target());
            connectFrom(cgroup, server);
            assertTrue(out.get(0) >= 2, "packets sent by the cgroup (SYN, data): " + out.get(0));
            assertTrue(in.get(0) >= 1, "packets received by the cgroup (SYN-ACK): " + in.get(0));
            out.assertDetachedOnClose(sent, () -> connectFrom(cgroup, server));
            in.assertDetachedOnClose(received, () -> connectFrom(cgroup, server));
        } finally {
            Files.delete(cgroup); // the children have exited, so it is empty
        }
    }

    @Test
    void aDirectoryThatIsNoCgroupIsAClearError() throws Exception {
        try (Counters counters = new Counters();
             BpfProgram program = BpfProgram.load(ProgramType.CGROUP_SKB, "cg", counters.counting(false, 1))) {
            AttachException e = assertThrows(AttachException.class,
                    () -> Cgroups.attach(program, Path.of("/tmp"), AttachType.CGROUP_INET_INGRESS));
            assertEquals(Errno.EBADF, e.errno());
            assertEquals("bpf(BPF_LINK_CREATE CGROUP_INET_INGRESS) of program 'cg' to CGROUP_INET_INGRESS of cgroup /tmp"
                    + " failed: EBADF: /tmp is no cgroup v2 directory; cgroup v2 is mounted at " + Cgroups.root(),
                    e.getMessage());
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> Cgroups.attach(program, Path.of("/no/such/cgroup"), AttachType.CGROUP_INET_INGRESS));
            assertTrue(missing.getMessage().startsWith("cannot open the cgroup directory /no/such/cgroup to attach"
                    + " program 'cg' (ENOENT)"),
                    missing.getMessage());
            AttachException type = assertThrows(AttachException.class,
                    () -> Cgroups.attach(program, Cgroups.root(), AttachType.CGROUP_SYSCTL));
            assertEquals(Errno.EINVAL, type.errno());
        }
    }
}
