package io.bpfring.link;

import io.bpfring.bpf.AttachType;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.ProgramType;
import io.bpfring.Errno;

/**
 * tcx ({@code SEC("tcx/ingress")}, {@code SEC("tcx/egress")}, and the {@code SEC("tc")}
 * family): a {@link ProgramType#SCHED_CLS} program on an interface's traffic-control hook, in
 * or out, attached with BPF_LINK_CREATE (Linux 6.6+). It needs no qdisc and no filter, and
 * runs the programs written for classic tc the same way: their TC_ACT_OK, TC_ACT_SHOT and
 * TC_ACT_REDIRECT are tcx's PASS, DROP and REDIRECT; TCX_NEXT (-1) hands the packet on to the
 * next program. Kernels before 6.6 have only classic tc (a clsact qdisc and a cls_bpf filter
 * over netlink), which bpfring does not speak.
 */
public final class Tcx {
    private Tcx() {
    }

    /** Attaches {@code program} to what the interface {@code name} receives. */
    public static Link ingress(BpfProgram program, String name) {
        return attach(program, name, AttachType.TCX_INGRESS);
    }

    /** Attaches {@code program} to what the interface {@code name} sends. */
    public static Link egress(BpfProgram program, String name) {
        return attach(program, name, AttachType.TCX_EGRESS);
    }

    /** Attaches {@code program} to the interface {@code name}, {@code direction} TCX_INGRESS or TCX_EGRESS. */
    public static Link attach(BpfProgram program, String name, AttachType direction) {
        return attach(program, Interfaces.index(name), direction, name);
    }

    /** Attaches {@code program} to the interface of index {@code ifindex}. */
    public static Link attach(BpfProgram program, int ifindex, AttachType direction) {
        return attach(program, ifindex, direction, "ifindex " + ifindex);
    }

    private static Link attach(BpfProgram program, int ifindex, AttachType direction, String where) {
        if (!direction.equals(AttachType.TCX_INGRESS) && !direction.equals(AttachType.TCX_EGRESS)) {
            throw new IllegalArgumentException("tcx attaches at TCX_INGRESS or TCX_EGRESS, not " + direction);
        }
        String what = "tcx " + (direction.equals(AttachType.TCX_INGRESS) ? "ingress" : "egress") + " of " + where;
        Bpf.requireType(program, what, ProgramType.SCHED_CLS);
        int fd = Bpf.linkCreate(program, ifindex, direction, 0, null, what, errno -> switch (errno) {
            case Errno.EINVAL -> "the kernel refused the attach: tcx needs Linux 6.6 (older kernels attach tc"
                    + " programs through a clsact qdisc and a cls_bpf filter)";
            case Errno.ENODEV -> "no interface has index " + ifindex;
            default -> null;
        });
        return new Link(program.name(), what, fd);
    }
}
