package io.bpfring.object;

import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.Cpus;
import io.bpfring.bpf.LoadedBtf;
import io.bpfring.bpf.MapType;
import io.bpfring.bpf.Resources;
import io.bpfring.SyscallException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes an object's maps as libbpf's {@code bpf_object__create_maps} does: a pinned map is
 * reused when the pin holds the same kind of map, else created and pinned; an internal map gets
 * its section's contents and, for {@code .rodata} and {@code .kconfig}, is frozen; maps of maps
 * and program arrays get the slots {@code .rel.maps} gives them. Everything made is owned by the
 * caller's {@link Resources}; {@link #pins()} says what to unpin if the load fails.
 */
final class MapMaker {
    /** Map types libbpf creates without BTF key and value types: the kernel refuses them. */
    private static final Set<MapType> NO_BTF = Set.of(MapType.PERF_EVENT_ARRAY, MapType.CGROUP_ARRAY,
            MapType.STACK_TRACE, MapType.ARRAY_OF_MAPS, MapType.HASH_OF_MAPS, MapType.DEVMAP, MapType.DEVMAP_HASH,
            MapType.CPUMAP, MapType.XSKMAP, MapType.SOCKMAP, MapType.SOCKHASH, MapType.QUEUE, MapType.STACK,
            MapType.ARENA);
    private static final byte[] KEY_ZERO = new byte[4];

    private final Path pinRoot;
    private final Resources resources;
    private final LoadedBtf btf;
    private final Map<MapSpec, BpfMap> maps = new IdentityHashMap<>();
    private final Map<MapSpec, Boolean> reused = new IdentityHashMap<>();
    /** Pins this load made, and directories it made for them. */
    private final List<Path> pins = new ArrayList<>();

    MapMaker(Path pinRoot, Resources resources, LoadedBtf btf) {
        this.pinRoot = pinRoot;
        this.resources = resources;
        this.btf = btf;
    }

    BpfMap map(MapSpec m) {
        return maps.get(m);
    }

    /** The pins and directories made, oldest first. */
    List<Path> pins() {
        return pins;
    }

    /** Makes {@code m}; {@code contents} replaces an internal map's own (the .kconfig values). */
    void make(MapSpec m, byte[] contents) {
        Path pin = m.pinning() == MapSpec.Pinning.BY_NAME ? pinRoot.resolve(m.name()) : null;
        try {
            if (pin != null && Files.exists(pin)) {
                maps.put(m, reuse(m, pin));
                reused.put(m, true);
                return;
            }
            BpfMap map = resources.own(create(m));
            maps.put(m, map);
            if (m.isInternal()) {
                map.update(KEY_ZERO, contents != null ? contents : m.data().clone(), BpfMap.ANY);
                if (m.kind().readOnly()) {
                    map.freeze();
                }
            }
            if (pin != null) {
                if (!Files.isDirectory(pinRoot)) {
                    Files.createDirectories(pinRoot);
                    pins.add(pinRoot);
                }
                map.pin(pin);
                pins.add(pin);
            }
        } catch (SyscallException | IOException e) {
            throw new ObjectException("map '" + m.name() + "': " + e.getMessage(), e);
        }
    }

    private BpfMap create(MapSpec m) {
        BpfMap.Builder b = BpfMap.builder(m.type(), Loader.kernelName(m.name())).keySize(m.keySize())
                .valueSize(m.valueSize()).maxEntries(entries(m)).flags(m.flags()).numaNode(m.numaNode())
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

    /** A perf event array of 0 entries gets one per possible CPU. */
    private static int entries(MapSpec m) {
        return m.type().equals(MapType.PERF_EVENT_ARRAY) && m.maxEntries() == 0 ? Cpus.possibleCount() : m.maxEntries();
    }

    /** The pinned map at {@code pin}, if it is the map the object declares (libbpf's {@code map_is_reuse_compat}). */
    private BpfMap reuse(MapSpec m, Path pin) {
        BpfMap map = resources.own(BpfMap.openPinned(pin));
        BpfMap.Info info = map.info();
        if (!info.type().equals(m.type()) || info.keySize() != m.keySize() || info.valueSize() != m.valueSize()
                || info.maxEntries() != entries(m) || info.flags() != m.flags() || info.mapExtra() != m.mapExtra()) {
            throw new ObjectException(String.format("map '%s': the map pinned at %s is %s (key %d, value %d, "
                            + "max_entries %d, flags 0x%x, map_extra %d), the object declares %s (key %d, value %d, "
                            + "max_entries %d, flags 0x%x, map_extra %d): remove the pin or change the declaration",
                    m.name(), pin, info.type(), info.keySize(), info.valueSize(), info.maxEntries(), info.flags(),
                    info.mapExtra(), m.type(), m.keySize(), m.valueSize(), entries(m), m.flags(), m.mapExtra()));
        }
        return map;
    }

    /** The slots of maps of maps, once every map exists (a reused map keeps its own). */
    void fillMapSlots(List<MapSpec> all) {
        fill(all, false, target -> maps.get((MapSpec) target).fd());
    }

    /** The slots of program arrays, once the programs are loaded. */
    void fillProgramSlots(List<MapSpec> all, Map<ProgramSpec, BpfProgram> programs) {
        fill(all, true, target -> {
            BpfProgram program = programs.get((ProgramSpec) target);
            if (program == null) {
                throw new ObjectException("program '" + ((ProgramSpec) target).name()
                        + "' is not loaded (autoload is off) but a program array holds it");
            }
            return program.fd();
        });
    }

    private void fill(List<MapSpec> all, boolean programArrays, java.util.function.ToIntFunction<Object> fdOf) {
        for (MapSpec m : all) {
            if (m.slots().isEmpty() || reused.containsKey(m) || m.type().equals(MapType.PROG_ARRAY) != programArrays) {
                continue;
            }
            for (Map.Entry<Integer, Object> slot : m.slots().entrySet()) {
                try {
                    maps.get(m).update(u32(slot.getKey()), u32(fdOf.applyAsInt(slot.getValue())), BpfMap.ANY);
                } catch (SyscallException | ObjectException e) {
                    throw new ObjectException("map '" + m.name() + "' slot " + slot.getKey() + ": " + e.getMessage(),
                            e);
                }
            }
        }
    }

    private static byte[] u32(int v) {
        return new byte[]{(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }
}
