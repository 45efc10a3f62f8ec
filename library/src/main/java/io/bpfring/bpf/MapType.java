package io.bpfring.bpf;

import java.util.List;

/**
 * A BPF map type ({@code enum bpf_map_type}): one of the types known here, named as in
 * include/uapi/linux/bpf.h of Linux 6.18 without the {@code BPF_MAP_TYPE_} prefix, or any other
 * value a kernel reports (a newer kernel's type), which {@link #of} keeps as it is.
 */
public final class MapType extends KernelEnum {
    private static final Registry<MapType> REGISTRY = new Registry<>(MapType::new);

    public static final MapType UNSPEC = REGISTRY.known(0, "UNSPEC");
    public static final MapType HASH = REGISTRY.known(1, "HASH");
    public static final MapType ARRAY = REGISTRY.known(2, "ARRAY");
    public static final MapType PROG_ARRAY = REGISTRY.known(3, "PROG_ARRAY");
    public static final MapType PERF_EVENT_ARRAY = REGISTRY.known(4, "PERF_EVENT_ARRAY");
    public static final MapType PERCPU_HASH = REGISTRY.known(5, "PERCPU_HASH");
    public static final MapType PERCPU_ARRAY = REGISTRY.known(6, "PERCPU_ARRAY");
    public static final MapType STACK_TRACE = REGISTRY.known(7, "STACK_TRACE");
    public static final MapType CGROUP_ARRAY = REGISTRY.known(8, "CGROUP_ARRAY");
    public static final MapType LRU_HASH = REGISTRY.known(9, "LRU_HASH");
    public static final MapType LRU_PERCPU_HASH = REGISTRY.known(10, "LRU_PERCPU_HASH");
    public static final MapType LPM_TRIE = REGISTRY.known(11, "LPM_TRIE");
    public static final MapType ARRAY_OF_MAPS = REGISTRY.known(12, "ARRAY_OF_MAPS");
    public static final MapType HASH_OF_MAPS = REGISTRY.known(13, "HASH_OF_MAPS");
    public static final MapType DEVMAP = REGISTRY.known(14, "DEVMAP");
    public static final MapType SOCKMAP = REGISTRY.known(15, "SOCKMAP");
    public static final MapType CPUMAP = REGISTRY.known(16, "CPUMAP");
    public static final MapType XSKMAP = REGISTRY.known(17, "XSKMAP");
    public static final MapType SOCKHASH = REGISTRY.known(18, "SOCKHASH");
    /** Also {@code BPF_MAP_TYPE_CGROUP_STORAGE_DEPRECATED}. */
    public static final MapType CGROUP_STORAGE = REGISTRY.known(19, "CGROUP_STORAGE");
    public static final MapType REUSEPORT_SOCKARRAY = REGISTRY.known(20, "REUSEPORT_SOCKARRAY");
    /** Also {@code BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE_DEPRECATED}. */
    public static final MapType PERCPU_CGROUP_STORAGE = REGISTRY.known(21, "PERCPU_CGROUP_STORAGE");
    public static final MapType QUEUE = REGISTRY.known(22, "QUEUE");
    public static final MapType STACK = REGISTRY.known(23, "STACK");
    public static final MapType SK_STORAGE = REGISTRY.known(24, "SK_STORAGE");
    public static final MapType DEVMAP_HASH = REGISTRY.known(25, "DEVMAP_HASH");
    public static final MapType STRUCT_OPS = REGISTRY.known(26, "STRUCT_OPS");
    public static final MapType RINGBUF = REGISTRY.known(27, "RINGBUF");
    public static final MapType INODE_STORAGE = REGISTRY.known(28, "INODE_STORAGE");
    public static final MapType TASK_STORAGE = REGISTRY.known(29, "TASK_STORAGE");
    public static final MapType BLOOM_FILTER = REGISTRY.known(30, "BLOOM_FILTER");
    public static final MapType USER_RINGBUF = REGISTRY.known(31, "USER_RINGBUF");
    public static final MapType CGRP_STORAGE = REGISTRY.known(32, "CGRP_STORAGE");
    public static final MapType ARENA = REGISTRY.known(33, "ARENA");

    private MapType(int id, String name) {
        super(id, name);
    }

    /** The type with kernel id {@code id}: the known constant, or an unknown type that carries the id. */
    public static MapType of(int id) {
        return REGISTRY.of(id);
    }

    /** The types known here, by id. */
    public static List<MapType> known() {
        return REGISTRY.all();
    }

    /** Whether each key holds one value per possible CPU. */
    public boolean isPerCpu() {
        return this == PERCPU_HASH || this == PERCPU_ARRAY || this == LRU_PERCPU_HASH || this == PERCPU_CGROUP_STORAGE;
    }
}
