package io.bpfring.link;

import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.ProgramType;
import io.bpfring.Errno;
import io.bpfring.sys.Sys;

/**
 * Socket filters ({@code SEC("socket")}): a {@link ProgramType#SOCKET_FILTER} program that sees
 * every packet a socket receives and keeps as many of its bytes as it returns (0 drops it).
 * There is no BPF link for sockets: the program is set with setsockopt SO_ATTACH_BPF, and the
 * {@link Link} removes it with SO_DETACH_BPF. The link keeps its own fd of the socket, so the
 * socket lives until the link closes, and closing detaches from that socket and no other even
 * when the caller's fd number has been reused.
 */
public final class SocketFilter {
    private static final int SOL_SOCKET = 1;
    private static final int SO_DETACH_BPF = 27; // SO_DETACH_FILTER
    private static final int SO_ATTACH_BPF = 50;

    private SocketFilter() {
    }

    /** Attaches {@code program} to the socket {@code socketFd}, replacing any filter it has. */
    public static Link attach(BpfProgram program, int socketFd) {
        String what = "socket fd " + socketFd;
        Bpf.requireType(program, what, ProgramType.SOCKET_FILTER);
        int socket = Sys.dup(socketFd, "dup(" + what + ") for " + Bpf.describe(program));
        int result = Sys.setsockoptOrErrno(socket, SOL_SOCKET, SO_ATTACH_BPF, program.fd());
        if (result < 0) {
            Sys.close(socket);
            throw Bpf.failure("setsockopt(SO_ATTACH_BPF) of " + Bpf.describe(program) + " to " + what, -result,
                    errno -> switch (errno) {
                        case Errno.ENOTSOCK -> "fd " + socketFd + " is not a socket";
                        case Errno.EINVAL -> "the kernel refused the program as this socket's filter";
                        default -> null;
                    });
        }
        // Detaching fails only when the filter is gone already (ENOENT): nothing is left to undo.
        return new Link(program.name(), what, -1, () -> Sys.setsockoptOrErrno(socket, SOL_SOCKET, SO_DETACH_BPF, 0),
                socket);
    }
}
