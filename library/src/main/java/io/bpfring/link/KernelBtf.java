package io.bpfring.link;

import io.bpfring.bpf.BpfProgram;
import io.bpfring.btf.Btf;
import io.bpfring.BtfException;
import io.bpfring.sys.BpfAttr;
import io.bpfring.sys.BpfInfo;
import io.bpfring.sys.Sys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** The running kernel's BTF, as attaching uses it, and what it says a loaded program attaches to. */
final class KernelBtf {
    private static final int OBJ_GET_INFO_BY_FD = 15; // enum bpf_cmd

    private KernelBtf() {
    }

    /** {@link Btf#kernel()}, the one parse of the kernel's BTF that loading objects shares too. */
    static Btf vmlinux() {
        try {
            return Btf.kernel();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the kernel's BTF " + Btf.KERNEL
                    + " (the kernel needs CONFIG_DEBUG_INFO_BTF)", e);
        } catch (BtfException e) {
            throw new IllegalStateException("cannot parse the kernel's BTF " + Btf.KERNEL + ": " + e.getMessage(), e);
        }
    }

    /**
     * The name of the kernel BTF type {@code program} was loaded to attach to, such as
     * {@code btf_trace_sched_process_exec}; "BTF type N" when it is in a module's BTF or has no name.
     */
    static String attachTarget(BpfProgram program) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(BpfInfo.Prog.LAYOUT);
            MemorySegment attr = BpfAttr.allocate(arena);
            BpfAttr.Info.BPF_FD.set(attr, program.fd());
            BpfAttr.Info.INFO_LEN.set(attr, (int) info.byteSize());
            BpfAttr.Info.INFO.set(attr, info.address());
            Sys.bpf(OBJ_GET_INFO_BY_FD, attr, "bpf(BPF_OBJ_GET_INFO_BY_FD of program '" + program.name() + "')");
            int id = (int) BpfInfo.Prog.ATTACH_BTF_ID.get(info);
            // A module's split BTF numbers its types after vmlinux's: an id in vmlinux's range is vmlinux's.
            String name = id > 0 && id < vmlinux().typeCount() ? vmlinux().name(id) : "";
            return name.isEmpty() ? "BTF type " + id : name;
        }
    }
}
