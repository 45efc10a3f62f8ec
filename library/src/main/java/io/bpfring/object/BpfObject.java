package io.bpfring.object;

import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.LoadedBtf;
import io.bpfring.bpf.MapType;
import io.bpfring.bpf.Resources;
import io.bpfring.link.Attach;
import io.bpfring.link.Link;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A loaded object: its maps and programs in the kernel, by the names the object gives them
 * (the kernel sees at most 15 characters of each), and the links {@link #attach} made. Closing
 * releases everything at once, links first; maps pinned in bpffs stay there, as libbpf leaves
 * them.
 *
 * <p>A ring buffer or perf event array is a {@link BpfMap} like any other: hand it to
 * {@code RingBufReader.of(object.map("events"), handler)} or {@code PerfBufReader.builder(...)}.
 */
public final class BpfObject implements AutoCloseable {
    private final ObjectSpec spec;
    private final Map<String, BpfMap> maps;
    private final Map<String, BpfProgram> programs;
    private final LoadedBtf btf;
    private final Resources resources;

    BpfObject(ObjectSpec spec, Map<String, BpfMap> maps, Map<String, BpfProgram> programs, LoadedBtf btf,
              Resources resources) {
        this.spec = spec;
        this.maps = Collections.unmodifiableMap(maps);
        this.programs = Collections.unmodifiableMap(programs);
        this.btf = btf;
        this.resources = resources;
    }

    /** The spec it was loaded from. */
    public ObjectSpec spec() {
        return spec;
    }

    /** Every map, by its name in the object. */
    public Map<String, BpfMap> maps() {
        return maps;
    }

    public BpfMap map(String name) {
        BpfMap map = maps.get(name);
        if (map == null) {
            throw new NoSuchElementException("no map '" + name + "'; there are " + maps.keySet());
        }
        return map;
    }

    /** The map {@code name}, which must be of {@code type}: a ring buffer for a ring reader, say. */
    public BpfMap map(String name, MapType type) {
        BpfMap map = map(name);
        if (!map.type().equals(type)) {
            throw new IllegalArgumentException("map '" + name + "' is a " + map.type() + ", not a " + type);
        }
        return map;
    }

    /** Every loaded program, by its full name. */
    public Map<String, BpfProgram> programs() {
        return programs;
    }

    public BpfProgram program(String name) {
        BpfProgram program = programs.get(name);
        if (program == null) {
            throw new NoSuchElementException("no loaded program '" + name + "'; there are " + programs.keySet());
        }
        return program;
    }

    /**
     * Attaches program {@code name} where its section says ({@code tp/...}, {@code raw_tp/...},
     * {@code tp_btf/...}, {@code kprobe/...}, {@code uprobe/...}, {@code iter/...} and their
     * kin). The link is closed with the object, or earlier by the caller.
     *
     * @throws IllegalArgumentException for a section that names no target or attaches only by hand
     *                                  (xdp, tc, cgroup, socket, perf_event): the message says how
     */
    public Link attach(String name) {
        ProgramSpec p = spec.program(name);
        return resources.own(Attach.auto(program(name), p.expectedAttachType().orElse(null), p.section()));
    }

    /** The object's BTF in the kernel; null for an object without BTF. */
    public LoadedBtf btf() {
        return btf;
    }

    /** The current value of global variable {@code name}, read from its map. */
    public byte[] readVariable(String name) {
        VariableSpec v = spec.variable(name);
        byte[] value = map(v.map().name()).lookup(new byte[4]).orElseThrow();
        return Arrays.copyOfRange(value, v.offset(), v.offset() + v.size());
    }

    /** Writes global variable {@code name} in its map ({@code .data}, {@code .bss}; {@code .rodata} is frozen). */
    public void writeVariable(String name, byte[] bytes) {
        VariableSpec v = spec.variable(name);
        if (bytes.length != v.size()) {
            throw new IllegalArgumentException(v + " takes " + v.size() + " bytes, got " + bytes.length);
        }
        BpfMap map = map(v.map().name());
        byte[] value = map.lookup(new byte[4]).orElseThrow();
        System.arraycopy(bytes, 0, value, v.offset(), bytes.length);
        map.update(new byte[4], value, BpfMap.ANY);
    }

    @Override
    public void close() {
        resources.close();
    }

    @Override
    public String toString() {
        return "loaded object '" + spec.name() + "' (maps " + maps.keySet() + ", programs " + programs.keySet() + ")";
    }
}
