package io.bpfring.object;

import io.bpfring.bpf.AttachType;
import io.bpfring.bpf.ProgramType;
import io.bpfring.btf.Btf;
import io.bpfring.BtfException;
import io.bpfring.btf.BtfKind;
import io.bpfring.btf.TargetBtf;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * The running kernel's BTF as loading uses it: the default target of CO-RE, and where BTF-typed
 * programs find their attach point.
 */
final class KernelTypes {
    private KernelTypes() {
    }

    /** {@link TargetBtf#kernel()}, the one parse of the kernel's BTF that attaching programs shares too. */
    static TargetBtf target() {
        try {
            return TargetBtf.kernel();
        } catch (IOException | BtfException e) {
            throw new ObjectException("cannot read the kernel's BTF (" + Btf.KERNEL + "): " + e.getMessage(), e);
        }
    }

    /**
     * The kernel BTF id of what a tp_btf, fentry, fexit, fmod_ret, lsm or iter program attaches
     * to, named as libbpf names it: {@code btf_trace_<tp>} (a typedef), {@code bpf_lsm_<hook>},
     * {@code bpf_iter_<name>}, or the function itself.
     */
    static int attachBtfId(ProgramSpec p, SectionDef def) {
        String where = "program '" + p.name() + "' (section '" + p.section() + "'): ";
        String target = p.attachTarget();
        if (target.isEmpty()) {
            throw new ObjectException(where + "the section name gives no attach target, and it needs one to load");
        }
        if (def.type().equals(ProgramType.EXT)) {
            throw new ObjectException(where + "freplace programs, which replace functions of loaded programs, are "
                    + "not supported");
        }
        if (target.contains(":")) {
            throw new ObjectException(where + "attach targets in kernel modules are not supported");
        }
        AttachType type = def.expectedAttachType();
        String name = target;
        BtfKind kind = BtfKind.FUNC;
        if (AttachType.TRACE_RAW_TP.equals(type)) {
            name = "btf_trace_" + target;
            kind = BtfKind.TYPEDEF;
        } else if (AttachType.LSM_MAC.equals(type) || AttachType.LSM_CGROUP.equals(type)) {
            name = "bpf_lsm_" + target;
        } else if (AttachType.TRACE_ITER.equals(type)) {
            name = "bpf_iter_" + target;
        }
        OptionalInt id = target().vmlinux().find(name, kind);
        if (id.isEmpty()) {
            throw new ObjectException(where + "the kernel's BTF has no " + kind + " '" + name + "' to attach to");
        }
        return id.getAsInt();
    }
}
