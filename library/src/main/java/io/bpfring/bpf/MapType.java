package io.bpfring.bpf;

/** The BPF map types bpfring creates, with their kernel ids ({@code enum bpf_map_type}). */
public enum MapType {
    HASH(1),
    ARRAY(2),
    PERF_EVENT_ARRAY(4),
    PERCPU_HASH(5),
    PERCPU_ARRAY(6),
    RINGBUF(27),
    USER_RINGBUF(31);

    private final int id;

    MapType(int id) {
        this.id = id;
    }

    public int id() {
        return id;
    }

    /** Whether each key holds one value per possible CPU. */
    public boolean isPerCpu() {
        return this == PERCPU_HASH || this == PERCPU_ARRAY;
    }

    public static MapType ofId(int id) {
        for (MapType type : values()) {
            if (type.id == id) {
                return type;
            }
        }
        throw new IllegalArgumentException("map type " + id + " is not one bpfring handles");
    }
}
