package io.bpfring.bpf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A BPF map type ({@code enum bpf_map_type}): one of the types known here, named as in
 * include/uapi/linux/bpf.h of Linux 6.18 without the {@code BPF_MAP_TYPE_} prefix, or any other
 * value a kernel reports (a newer kernel's type), which {@link #of} keeps as it is.
 */
public final class MapType {
    private static final Map<Integer, MapType> KNOWN = new HashMap<>();
    private static final List<MapType> ALL = new ArrayList<>();

    public static final MapType UNSPEC = known(0, "UNSPEC");
    public static final MapType HASH = known(1, "HASH");
    public static final MapType ARRAY = known(2, "ARRAY");
    public static final MapType PROG_ARRAY = known(3, "PROG_ARRAY");
    public static final MapType PERF_EVENT_ARRAY = known(4, "PERF_EVENT_ARRAY");
    public static final MapType PERCPU_HASH = known(5, "PERCPU_HASH");
    public static final MapType PERCPU_ARRAY = known(6, "PERCPU_ARRAY");
    public static final MapType STACK_TRACE = known(7, "STACK_TRACE");
    public static final MapType CGROUP_ARRAY = known(8, "CGROUP_ARRAY");
    public static final MapType LRU_HASH = known(9, "LRU_HASH");
    public static final MapType LRU_PERCPU_HASH = known(10, "LRU_PERCPU_HASH");
    public static final MapType LPM_TRIE = known(11, "LPM_TRIE");
    public static final MapType ARRAY_OF_MAPS = known(12, "ARRAY_OF_MAPS");
    public static final MapType HASH_OF_MAPS = known(13, "HASH_OF_MAPS");
    public static final MapType DEVMAP = known(14, "DEVMAP");
    public static final MapType SOCKMAP = known(15, "SOCKMAP");
    public static final MapType CPUMAP = known(16, "CPUMAP");
    public static final MapType XSKMAP = known(17, "XSKMAP");
    public static final MapType SOCKHASH = known(18, "SOCKHASH");
    /** Also {@code BPF_MAP_TYPE_CGROUP_STORAGE_DEPRECATED}. */
    public static final MapType CGROUP_STORAGE = known(19, "CGROUP_STORAGE");
    public static final MapType REUSEPORT_SOCKARRAY = known(20, "REUSEPORT_SOCKARRAY");
    /** Also {@code BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE_DEPRECATED}. */
    public static final MapType PERCPU_CGROUP_STORAGE = known(21, "PERCPU_CGROUP_STORAGE");
    public static final MapType QUEUE = known(22, "QUEUE");
    public static final MapType STACK = known(23, "STACK");
    public static final MapType SK_STORAGE = known(24, "SK_STORAGE");
    public static final MapType DEVMAP_HASH = known(25, "DEVMAP_HASH");
    public static final MapType STRUCT_OPS = known(26, "STRUCT_OPS");
    public static final MapType RINGBUF = known(27, "RINGBUF");
    public static final MapType INODE_STORAGE = known(28, "INODE_STORAGE");
    public static final MapType TASK_STORAGE = known(29, "TASK_STORAGE");
    public static final MapType BLOOM_FILTER = known(30, "BLOOM_FILTER");
    public static final MapType USER_RINGBUF = known(31, "USER_RINGBUF");
    public static final MapType CGRP_STORAGE = known(32, "CGRP_STORAGE");
    public static final MapType ARENA = known(33, "ARENA");

    private final int id;
    private final String name;

    private MapType(int id, String name) {
        this.id = id;
        this.name = name;
    }

    private static MapType known(int id, String name) {
        MapType type = new MapType(id, name);
        KNOWN.put(id, type);
        ALL.add(type);
        return type;
    }

    /** The type with kernel id {@code id}: the known constant, or an unknown type that carries the id. */
    public static MapType of(int id) {
        MapType type = KNOWN.get(id);
        return type != null ? type : new MapType(id, null);
    }

    /** The types known here, by id. */
    public static List<MapType> known() {
        return Collections.unmodifiableList(ALL);
    }

    /** The kernel's value. */
    public int id() {
        return id;
    }

    /** Whether this is one of the types known here. */
    public boolean isKnown() {
        return name != null;
    }

    /** Whether each key holds one value per possible CPU. */
    public boolean isPerCpu() {
        return this == PERCPU_HASH || this == PERCPU_ARRAY || this == LRU_PERCPU_HASH || this == PERCPU_CGROUP_STORAGE;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MapType type && type.id == id;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(id);
    }

    /**
     * The name without its {@code BPF_MAP_TYPE_} prefix, such as {@code RINGBUF}; {@code unknown(40)}
     * for an unknown type.
     */
    @Override
    public String toString() {
        return name != null ? name : "unknown(" + id + ")";
    }
}
