package io.bpfring.link;

import io.bpfring.bpf.AttachType;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.Errno;
import io.bpfring.sys.Sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Cgroup programs ({@code SEC("cgroup_skb/ingress")}, {@code SEC("cgroup/connect4")},
 * {@code SEC("sockops")} ...): a program run for the sockets, devices or sysctls of the
 * processes in a cgroup v2 directory and its descendants, attached with BPF_LINK_CREATE
 * (Linux 5.7+). The link holds the cgroup; other programs attached there keep running.
 */
public final class Cgroups {
    private Cgroups() {
    }

    /**
     * Attaches {@code program} to the cgroup v2 directory {@code cgroup} at {@code type}, such
     * as CGROUP_INET_INGRESS for a CGROUP_SKB program.
     */
    public static Link attach(BpfProgram program, Path cgroup, AttachType type) {
        String what = type + " of cgroup " + cgroup;
        int dir = Sys.openReadOnlyOrErrno(cgroup.toString());
        if (dir < 0) {
            throw new IllegalArgumentException("cannot open the cgroup directory " + cgroup + " to attach "
                    + Bpf.describe(program) + " (" + Errno.name(-dir) + ")" + mountedWhere());
        }
        try {
            int fd = Bpf.linkCreate(program, dir, type, 0, null, what, errno -> switch (errno) {
                case Errno.EBADF -> cgroup + " is no cgroup v2 directory" + mountedWhere();
                case Errno.EINVAL -> "the kernel refused " + type + " for this " + program.type() + " program: the"
                        + " attach type must fit the program type (CGROUP_SKB at CGROUP_INET_INGRESS or _EGRESS, ...)"
                        + " and the attach type it was loaded with; cgroup links need Linux 5.7";
                default -> null;
            });
            return new Link(program.name(), what, fd);
        } finally {
            Sys.close(dir); // the link holds the cgroup
        }
    }

    /** Where cgroup v2 is mounted, such as {@code /sys/fs/cgroup} or {@code /sys/fs/cgroup/unified}. */
    public static Path root() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] fields = line.split(" ");
                if (fields.length > 2 && fields[2].equals("cgroup2")) {
                    return Path.of(fields[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/mounts", e);
        }
        throw new IllegalStateException("cgroup v2 is not mounted; as root: mount -t cgroup2 none /sys/fs/cgroup");
    }

    private static String mountedWhere() {
        try {
            return "; cgroup v2 is mounted at " + root();
        } catch (IllegalStateException e) {
            return "; " + e.getMessage();
        }
    }
}
