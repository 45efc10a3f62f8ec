package io.bpfring.link;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A veth pair made for a test with {@code ip link} (root): what {@link #a} sends, {@link #b}
 * receives. {@link #a} has an IPv4 address of its own /24 from the benchmarking range, so a
 * broadcast to that /24 leaves through it at once, with no neighbour to resolve.
 */
final class Veth implements AutoCloseable {
    final String a;
    final String b;
    private final InetAddress address;
    private final InetAddress broadcast;

    private Veth(String a, String b, InetAddress address, InetAddress broadcast) {
        this.a = a;
        this.b = b;
        this.address = address;
        this.broadcast = broadcast;
    }

    static Veth create() throws Exception {
        int n = (int) (ProcessHandle.current().pid() % 250) + 1;
        String a = "bpfrA" + ProcessHandle.current().pid() % 100000;
        String b = "bpfrB" + ProcessHandle.current().pid() % 100000;
        ip("link", "del", a); // a run that died left it behind
        ip("link", "add", a, "type", "veth", "peer", "name", b);
        Veth veth = new Veth(a, b, InetAddress.getByName("198.18." + n + ".1"), InetAddress.getByName("198.18." + n + ".255"));
        try {
            ip("addr", "add", "198.18." + n + ".1/24", "brd", "+", "dev", a);
            ip("link", "set", a, "up");
            ip("link", "set", b, "up");
            veth.awaitUp(a);
            veth.awaitUp(b);
            return veth;
        } catch (Exception e) {
            veth.close();
            throw e;
        }
    }

    private void awaitUp(String name) throws Exception {
        Path state = Path.of("/sys/class/net", name, "operstate");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Files.readString(state).trim().equals("up")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " is not up: " + Files.readString(state).trim());
            }
            Thread.sleep(10);
        }
    }

    /** Sends {@code count} UDP broadcasts out of {@link #a}. */
    void send(int count) {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(address, 0))) {
            socket.setBroadcast(true);
            byte[] data = "bpfring".getBytes();
            for (int i = 0; i < count; i++) {
                socket.send(new DatagramPacket(data, data.length, broadcast, 9));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot send out of " + a, e);
        }
    }

    @Override
    public void close() throws Exception {
        ip("link", "del", a); // takes b with it
    }

    private static void ip(String... args) throws Exception {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().add("ip");
        builder.command().addAll(List.of(args));
        Process ip = builder.redirectErrorStream(true).start();
        String output = new String(ip.getInputStream().readAllBytes());
        if (ip.waitFor() != 0 && !(args[0].equals("link") && args[1].equals("del"))) {
            throw new IllegalStateException("ip " + String.join(" ", args) + ": " + output.trim());
        }
    }
}
