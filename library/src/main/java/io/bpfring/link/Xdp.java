package io.bpfring.link;

import io.bpfring.bpf.AttachType;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.ProgramType;
import io.bpfring.Errno;

/**
 * XDP ({@code SEC("xdp")}): an {@link ProgramType#XDP} program run on every packet an
 * interface receives, before the kernel allocates anything for it. Attached with
 * BPF_LINK_CREATE (Linux 5.9+), so a program another tool attached through netlink is never
 * replaced by accident, nor this one by it.
 */
public final class Xdp {
    /** {@code XDP_FLAGS_SKB_MODE}: generic XDP, in the stack; works on every interface, slower. */
    public static final int SKB_MODE = 1 << 1;
    /** {@code XDP_FLAGS_DRV_MODE}: native XDP, in the driver; fails where the driver has none. */
    public static final int DRV_MODE = 1 << 2;
    /** {@code XDP_FLAGS_HW_MODE}: offloaded to the NIC. */
    public static final int HW_MODE = 1 << 3;

    private Xdp() {
    }

    /** Attaches {@code program} to the interface {@code name}, natively where the driver can, else generically. */
    public static Link attach(BpfProgram program, String name) {
        return attach(program, name, 0);
    }

    /** Attaches {@code program} to the interface {@code name} in the mode of {@code flags} (0: the kernel picks). */
    public static Link attach(BpfProgram program, String name, int flags) {
        return attach(program, Interfaces.index(name), flags, "XDP on " + name);
    }

    /** Attaches {@code program} to the interface of index {@code ifindex}. */
    public static Link attach(BpfProgram program, int ifindex, int flags) {
        return attach(program, ifindex, flags, "XDP on ifindex " + ifindex);
    }

    private static Link attach(BpfProgram program, int ifindex, int flags, String what) {
        Bpf.requireType(program, what, ProgramType.XDP);
        String described = what + ((flags & SKB_MODE) != 0 ? " (generic)" : (flags & DRV_MODE) != 0 ? " (native)"
                : (flags & HW_MODE) != 0 ? " (offloaded)" : "");
        int fd = Bpf.linkCreate(program, ifindex, AttachType.XDP, flags, null, described, errno -> switch (errno) {
            case Errno.EBUSY, Errno.EEXIST -> "the interface has an XDP program already (in this or another mode);"
                    + " `ip link show` shows it, `ip link set dev <name> xdp off` removes one attached through netlink";
            case Errno.EOPNOTSUPP, Errno.ENOTSUPP -> "the interface's driver has no native XDP: attach with SKB_MODE";
            case Errno.ENODEV -> "no interface has index " + ifindex;
            case Errno.EINVAL -> "the kernel refused the flags 0x" + Integer.toHexString(flags)
                    + " or the program (XDP links need Linux 5.9)";
            default -> null;
        });
        return new Link(program.name(), described, fd);
    }
}
