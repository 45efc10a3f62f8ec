package io.bpfring.object;

import io.bpfring.bpf.AttachType;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.Cpus;
import io.bpfring.bpf.LoadedBtf;
import io.bpfring.bpf.MapType;
import io.bpfring.bpf.ProgramType;
import io.bpfring.bpf.Resources;
import io.bpfring.bpf.VerifierException;
import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfException;
import io.bpfring.btf.CoreFixup;
import io.bpfring.btf.BtfKind;
import io.bpfring.btf.BtfWriter;
import io.bpfring.btf.TargetBtf;
import io.bpfring.sys.SysException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Turns an {@link ObjectSpec} into kernel objects in libbpf's order: CO-RE relocate and link
 * every program first (no system call yet, so most mistakes cost nothing), then load the BTF, create
 * the maps (reusing or pinning pinned ones), write and freeze global data, fill map-in-map
 * slots, wire map fds into the programs and load them, and fill program arrays. Any failure
 * closes what was made and removes the pins it added.
 */
final class Loader {
    /** Map types libbpf creates without BTF key and value types: the kernel refuses them. */
    private static final Set<MapType> NO_BTF = Set.of(MapType.PERF_EVENT_ARRAY, MapType.CGROUP_ARRAY,
            MapType.STACK_TRACE, MapType.ARRAY_OF_MAPS, MapType.HASH_OF_MAPS, MapType.DEVMAP, MapType.DEVMAP_HASH,
            MapType.CPUMAP, MapType.XSKMAP, MapType.SOCKMAP, MapType.SOCKHASH, MapType.QUEUE, MapType.STACK,
            MapType.ARENA);
    private static final byte[] KEY_ZERO = new byte[4];
    private static volatile TargetBtf kernel;

    private final ObjectSpec spec;
    private final LoadOptions options;
    private final Resources resources = new Resources();
    /** Pins this load made, and directories it made for them, to remove if it fails. */
    private final List<Path> pins = new ArrayList<>();
    private final Map<MapSpec, BpfMap> maps = new IdentityHashMap<>();
    private final Map<MapSpec, Boolean> reused = new IdentityHashMap<>();
    private final Map<ProgramSpec, BpfProgram> programs = new IdentityHashMap<>();
    private LoadedBtf btf;

    /** A program ready for the kernel but for its map fds. */
    private record Prepared(LinkedProgram linked, int attachBtfId) {
    }

    private CoreStep core;

    private Loader(ObjectSpec spec, LoadOptions options) {
        this.spec = spec;
        this.options = options;
    }

    static BpfObject load(ObjectSpec spec, LoadOptions options) {
        return new Loader(spec, options).load();
    }

    private BpfObject load() {
        List<ProgramSpec> toLoad = spec.programs().stream().filter(ProgramSpec::autoload).toList();
        for (ProgramSpec p : toLoad) {
            p.sectionDef().orElseThrow(() -> new ObjectException("program '" + p.name() + "' (section '"
                    + p.section() + "'): the section name matches no program type; rename the section"
                    + " (SEC(\"tp/...\"), SEC(\"xdp\"), ...) or leave the program out with setAutoload(false)"));
        }
        Set<Function> functions = Collections.newSetFromMap(new IdentityHashMap<>());
        toLoad.forEach(p -> functions.addAll(Linker.reachable(p.function())));
        core = functions.stream().anyMatch(f -> !f.coreRelos.isEmpty())
                ? CoreStep.relocate(spec.btf().orElseThrow(), functions, coreTarget())
                : CoreStep.none();
        List<Prepared> prepared = new ArrayList<>();
        for (ProgramSpec p : toLoad) {
            SectionDef def = p.sectionDef().orElseThrow();
            prepared.add(new Prepared(Linker.link(p, core::code), def.attachBtf() ? attachBtfId(p, def) : 0));
        }
        byte[] kconfig = spec.externs().isEmpty() ? null : spec.externs().image(options.kconfigOrSystem());
        try {
            loadBtf();
            for (MapSpec m : spec.maps()) {
                createOrReuse(m, m == spec.kconfigMap() ? kconfig : null);
            }
            fillSlots(false);
            for (Prepared p : prepared) {
                loadProgram(p);
            }
            fillSlots(true);
            Map<String, BpfMap> byName = new LinkedHashMap<>();
            spec.maps().forEach(m -> byName.put(m.name(), maps.get(m)));
            Map<String, BpfProgram> loaded = new LinkedHashMap<>();
            spec.programs().stream().filter(programs::containsKey).forEach(p -> loaded.put(p.name(), programs.get(p)));
            return new BpfObject(spec, byName, loaded, btf, resources);
        } catch (RuntimeException | Error e) {
            undo(e);
            throw e;
        }
    }

    private void undo(Throwable failure) {
        try {
            resources.close();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        for (Path pin : pins.reversed()) {
            try {
                Files.deleteIfExists(pin);
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }

    // ---- before any system call

    private TargetBtf coreTarget() {
        return options.coreTarget() != null ? options.coreTarget() : kernel();
    }

    /** The kernel BTF id of what a tp_btf, fentry, fexit, fmod_ret, lsm or iter program attaches to. */
    private static int attachBtfId(ProgramSpec p, SectionDef def) {
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
        String name;
        BtfKind kind = BtfKind.FUNC;
        if (AttachType.TRACE_RAW_TP.equals(type)) {
            name = "btf_trace_" + target;
            kind = BtfKind.TYPEDEF;
        } else if (AttachType.LSM_MAC.equals(type) || AttachType.LSM_CGROUP.equals(type)) {
            name = "bpf_lsm_" + target;
        } else if (AttachType.TRACE_ITER.equals(type)) {
            name = "bpf_iter_" + target;
        } else {
            name = target;
        }
        OptionalInt id = kernel().vmlinux().find(name, kind);
        if (id.isEmpty()) {
            throw new ObjectException(where + "the kernel's BTF has no " + kind + " '" + name + "' to attach to");
        }
        return id.getAsInt();
    }

    /** The running kernel's types, read once: they do not change while it runs. */
    private static TargetBtf kernel() {
        TargetBtf k = kernel;
        if (k == null) {
            try {
                k = TargetBtf.kernel();
            } catch (IOException | BtfException e) {
                throw new ObjectException("cannot read the kernel's BTF (" + Btf.KERNEL + "): " + e.getMessage(), e);
            }
            kernel = k;
        }
        return k;
    }

    // ---- BTF and maps

    private void loadBtf() {
        Btf local = spec.btf().orElse(null);
        if (local == null) {
            return;
        }
        BtfSanitizer.Features features = BtfSanitizer.Features.of(options.kconfigOrSystem().kernelVersion());
        byte[] raw = BtfSanitizer.sanitize(local, BtfWriter.of(local).toBytes(), features);
        try {
            btf = resources.own(LoadedBtf.load(raw));
        } catch (SysException e) {
            throw new ObjectException("object '" + spec.name() + "': the kernel refused its BTF: " + e.getMessage(), e);
        }
    }

    private void createOrReuse(MapSpec m, byte[] kconfig) {
        Path pin = m.pinning() == MapSpec.Pinning.BY_NAME ? options.pinRoot().resolve(m.name()) : null;
        try {
            if (pin != null && Files.exists(pin)) {
                maps.put(m, reuse(m, pin));
                reused.put(m, true);
                return;
            }
            BpfMap map = resources.own(create(m));
            maps.put(m, map);
            if (m.isInternal()) {
                map.update(KEY_ZERO, kconfig != null ? kconfig : m.data().clone(), BpfMap.ANY);
                if (m.kind().readOnly()) {
                    map.freeze();
                }
            }
            if (pin != null) {
                if (!Files.isDirectory(options.pinRoot())) {
                    Files.createDirectories(options.pinRoot());
                    pins.add(options.pinRoot());
                }
                map.pin(pin);
                pins.add(pin);
            }
        } catch (SysException | IOException e) {
            throw new ObjectException("map '" + m.name() + "': " + e.getMessage(), e);
        }
    }

    private BpfMap create(MapSpec m) {
        int entries = m.type().equals(MapType.PERF_EVENT_ARRAY) && m.maxEntries() == 0 ? Cpus.possibleCount()
                : m.maxEntries();
        BpfMap.Builder b = BpfMap.builder(m.type(), kernelName(m.name())).keySize(m.keySize())
                .valueSize(m.valueSize()).maxEntries(entries).flags(m.flags()).numaNode(m.numaNode())
                .mapExtra(m.mapExtra());
        if (btf != null && !NO_BTF.contains(m.type())) {
            b.btf(btf.fd(), m.keyTypeId(), m.valueTypeId());
        }
        if (m.inner().isEmpty()) {
            return b.create();
        }
        try (BpfMap inner = create(m.inner().get())) { // a template: the outer map keeps what it needs
            return b.innerMap(inner).create();
        }
    }

    /** The pinned map at {@code pin}, if it is the map the object declares (libbpf's {@code map_is_reuse_compat}). */
    private BpfMap reuse(MapSpec m, Path pin) {
        BpfMap map = resources.own(BpfMap.openPinned(pin));
        BpfMap.Info info = map.info();
        int entries = m.type().equals(MapType.PERF_EVENT_ARRAY) && m.maxEntries() == 0 ? Cpus.possibleCount()
                : m.maxEntries();
        if (!info.type().equals(m.type()) || info.keySize() != m.keySize() || info.valueSize() != m.valueSize()
                || info.maxEntries() != entries || info.flags() != m.flags() || info.mapExtra() != m.mapExtra()) {
            throw new ObjectException(String.format("map '%s': the map pinned at %s is %s (key %d, value %d, "
                            + "max_entries %d, flags 0x%x, map_extra %d), the object declares %s (key %d, value %d, "
                            + "max_entries %d, flags 0x%x, map_extra %d): remove the pin or change the declaration",
                    m.name(), pin, info.type(), info.keySize(), info.valueSize(), info.maxEntries(), info.flags(),
                    info.mapExtra(), m.type(), m.keySize(), m.valueSize(), entries, m.flags(), m.mapExtra()));
        }
        return map;
    }

    /** Initial slots from {@code .rel.maps}: maps of maps before programs load, program arrays after. */
    private void fillSlots(boolean programArrays) {
        for (MapSpec m : spec.maps()) {
            if (m.slots().isEmpty() || reused.containsKey(m) || m.type().equals(MapType.PROG_ARRAY) != programArrays) {
                continue;
            }
            BpfMap map = maps.get(m);
            for (Map.Entry<Integer, Object> slot : m.slots().entrySet()) {
                int fd = switch (slot.getValue()) {
                    case MapSpec target -> maps.get(target).fd();
                    case ProgramSpec target -> {
                        BpfProgram program = programs.get(target);
                        if (program == null) {
                            throw new ObjectException("map '" + m.name() + "' slot " + slot.getKey() + ": program '"
                                    + target.name() + "' is not loaded (autoload is off)");
                        }
                        yield program.fd();
                    }
                    default -> throw new IllegalStateException();
                };
                try {
                    map.update(u32(slot.getKey()), u32(fd), BpfMap.ANY);
                } catch (SysException e) {
                    throw new ObjectException("map '" + m.name() + "' slot " + slot.getKey() + ": " + e.getMessage(), e);
                }
            }
        }
    }

    // ---- programs

    private void loadProgram(Prepared prepared) {
        LinkedProgram linked = prepared.linked();
        ProgramSpec p = linked.program();
        SectionDef def = p.sectionDef().orElseThrow();
        long[] code = linked.insns().clone();
        for (Reloc r : linked.dataRelocs()) {
            int at = r.insn();
            switch (r) {
                case Reloc.MapFd m -> code[at] = Insns.withSrc(Insns.withImm(code[at], maps.get(m.map()).fd()),
                        Insns.PSEUDO_MAP_FD);
                case Reloc.MapValue v -> {
                    code[at] = Insns.withSrc(Insns.withImm(code[at], maps.get(v.map()).fd()), Insns.PSEUDO_MAP_VALUE);
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
        try {
            programs.put(p, resources.own(b.load()));
        } catch (SysException e) {
            throw new ObjectException("program '" + p.name() + "' (section '" + p.section() + "', " + code.length
                    + " instructions): " + e.getMessage() + poisonReached(linked, e), e);
        }
    }

    /** When the verifier stopped at an instruction CO-RE poisoned, which relocation did it. */
    private String poisonReached(LinkedProgram linked, SysException e) {
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
    private static String kernelName(String name) {
        return name.length() <= 15 ? name : name.substring(0, 15);
    }

    private static byte[] u32(int v) {
        return new byte[]{(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }
}
