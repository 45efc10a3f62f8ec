package io.bpfring.object;

import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.LoadedBtf;
import io.bpfring.bpf.Resources;
import io.bpfring.NotSupportedException;
import io.bpfring.VerifierException;
import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfWriter;
import io.bpfring.btf.CoreFixup;
import io.bpfring.SyscallException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an {@link ObjectSpec} into kernel objects in libbpf's order: CO-RE relocate and link
 * every program first (no system call yet, so most mistakes cost nothing), then load the BTF,
 * make the maps ({@link MapMaker}), wire map fds into the programs and load them with their
 * func_info and line_info, bind the read-only data to each, and fill program arrays. Any failure
 * closes what was made and removes the pins it added.
 */
final class Loader {
    private final ObjectSpec spec;
    private final LoadOptions options;
    private final Resources resources = new Resources();
    private final Map<ProgramSpec, BpfProgram> programs = new IdentityHashMap<>();
    private CoreStep core;
    private LoadedBtf btf;
    private MapMaker maps;
    /** False once the kernel has shown it lacks BPF_PROG_BIND_MAP. */
    private boolean canBindMaps = true;

    /** A program ready for the kernel but for its map fds. */
    private record Prepared(LinkedProgram linked, int attachBtfId) {
    }

    private Loader(ObjectSpec spec, LoadOptions options) {
        this.spec = spec;
        this.options = options;
    }

    static BpfObject load(ObjectSpec spec, LoadOptions options) {
        return new Loader(spec, options).load();
    }

    private BpfObject load() {
        List<Prepared> prepared = prepare();
        byte[] kconfig = spec.externs().isEmpty() ? null : spec.externs().image(options.kconfigOrSystem());
        try {
            loadBtf();
            maps = new MapMaker(options.pinRoot(), resources, btf);
            for (MapSpec m : spec.maps()) {
                maps.make(m, m == spec.kconfigMap() ? kconfig : null);
            }
            maps.fillMapSlots(spec.maps());
            for (Prepared p : prepared) {
                loadProgram(p);
            }
            maps.fillProgramSlots(spec.maps(), programs);
            Map<String, BpfMap> byName = new LinkedHashMap<>();
            spec.maps().forEach(m -> byName.put(m.name(), maps.map(m)));
            Map<String, BpfProgram> loaded = new LinkedHashMap<>();
            spec.programs().stream().filter(programs::containsKey).forEach(p -> loaded.put(p.name(), programs.get(p)));
            return new BpfObject(spec, byName, loaded, btf, resources);
        } catch (RuntimeException | Error e) {
            undo(e);
            throw e;
        }
    }

    /** Closes what was made and removes the pins made, newest first. */
    private void undo(Throwable failure) {
        try {
            resources.close();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        for (Path pin : maps == null ? List.<Path>of() : maps.pins().reversed()) {
            try {
                Files.deleteIfExists(pin);
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }

    // ---- before any system call

    /** CO-RE, linking and attach points of the programs to load. */
    private List<Prepared> prepare() {
        List<ProgramSpec> toLoad = spec.programs().stream().filter(ProgramSpec::autoload).toList();
        for (ProgramSpec p : toLoad) {
            p.sectionDef().orElseThrow(() -> new ObjectException("program '" + p.name() + "' (section '"
                    + p.section() + "'): the section name matches no program type; rename the section"
                    + " (SEC(\"tp/...\"), SEC(\"xdp\"), ...) or leave the program out with setAutoload(false)"));
        }
        Set<Function> functions = Collections.newSetFromMap(new IdentityHashMap<>());
        toLoad.forEach(p -> functions.addAll(Linker.reachable(p.function())));
        core = functions.stream().anyMatch(f -> !f.coreRelos.isEmpty())
                ? CoreStep.relocate(spec.btf().orElseThrow(), functions,
                        options.coreTarget() != null ? options.coreTarget() : KernelTypes.target())
                : CoreStep.none();
        List<Prepared> prepared = new ArrayList<>();
        for (ProgramSpec p : toLoad) {
            SectionDef def = p.sectionDef().orElseThrow();
            int attachBtfId = def.attachBtf() ? KernelTypes.attachBtfId(p, def) : 0;
            prepared.add(new Prepared(Linker.link(p, core::code), attachBtfId));
        }
        return prepared;
    }

    // ---- into the kernel

    private void loadBtf() {
        Btf local = spec.btf().orElse(null);
        if (local == null) {
            return;
        }
        BtfSanitizer.Features features = BtfSanitizer.Features.of(options.kconfigOrSystem().kernelVersion());
        byte[] raw = BtfSanitizer.sanitize(local, BtfWriter.of(local).toBytes(), features);
        try {
            btf = resources.own(LoadedBtf.load(raw));
        } catch (SyscallException e) {
            throw new ObjectException("object '" + spec.name() + "': the kernel refused its BTF: " + e.getMessage(), e);
        }
    }

    private void loadProgram(Prepared prepared) {
        LinkedProgram linked = prepared.linked();
        ProgramSpec p = linked.program();
        SectionDef def = p.sectionDef().orElseThrow();
        long[] code = linked.insns().clone();
        for (Reloc r : linked.dataRelocs()) {
            int at = r.insn();
            switch (r) {
                case Reloc.MapFd m -> code[at] = Insns.withSrc(Insns.withImm(code[at], maps.map(m.map()).fd()),
                        Insns.PSEUDO_MAP_FD);
                case Reloc.MapValue v -> {
                    code[at] = Insns.withSrc(Insns.withImm(code[at], maps.map(v.map()).fd()), Insns.PSEUDO_MAP_VALUE);
                    code[at + 1] = Insns.withImm(code[at + 1], v.offset());
                }
                default -> throw new IllegalStateException("unlinked " + r);
            }
        }
        BpfProgram.Builder b = BpfProgram.builder(p.type(), kernelName(p.name()))
                .instructions(Insns.segment(code))
                .license(spec.license())
                .kernVersion(spec.kernelVersion().orElse(options.kconfigOrSystem().kernelVersion()))
                .flags(def.loadFlags())
                .expectedAttachType(def.expectedAttachType())
                .attachBtf(0, prepared.attachBtfId());
        if (btf != null) {
            b.btf(btf.fd());
            if (!linked.funcInfos().isEmpty()) {
                b.funcInfo(linked.funcInfoRecords(), 8);
            }
            if (!linked.lineInfos().isEmpty()) {
                b.lineInfo(linked.lineInfoRecords(), 16);
            }
        }
        BpfProgram program;
        try {
            program = resources.own(b.load());
        } catch (SyscallException e) {
            throw new ObjectException("program '" + p.name() + "' (section '" + p.section() + "', " + code.length
                    + " instructions): " + e.getMessage() + poisonReached(linked, e), e);
        }
        programs.put(p, program);
        bindReadOnlyData(p, program);
    }

    /**
     * As libbpf does: every program holds the object's .rodata maps, used or not, so they live as
     * long as it does and tools find its constants among its map ids. A kernel without
     * BPF_PROG_BIND_MAP (before 5.10) goes without, as with libbpf.
     */
    private void bindReadOnlyData(ProgramSpec p, BpfProgram program) {
        for (MapSpec m : spec.maps()) {
            if (!canBindMaps || m.kind() != MapSpec.Kind.RODATA) {
                continue;
            }
            try {
                program.bindMap(maps.map(m));
            } catch (NotSupportedException e) {
                canBindMaps = false;
            } catch (SyscallException e) {
                throw new ObjectException("program '" + p.name() + "' (section '" + p.section() + "'): binding map '"
                        + m.name() + "': " + e.getMessage(), e);
            }
        }
    }

    /** When the verifier stopped at an instruction CO-RE poisoned, which relocation did it. */
    private String poisonReached(LinkedProgram linked, SyscallException e) {
        if (!(e instanceof VerifierException v)) {
            return "";
        }
        int insn = CoreFixup.poisonedInsn(v.log());
        if (insn < 0 || insn >= linked.insns().length) {
            return "";
        }
        Function f = linked.origin(insn);
        CoreFixup fixup = core.poisonedAt(f, linked.sectionInsn(insn));
        return fixup == null ? "" : "\ninstruction " + insn + " (" + f.section + " instruction "
                + linked.sectionInsn(insn) + ") was poisoned by CO-RE, since the kernel lacks what it reads: " + fixup;
    }

    /** The first 15 characters, all the kernel keeps of a name. */
    static String kernelName(String name) {
        return name.length() <= 15 ? name : name.substring(0, 15);
    }
}
