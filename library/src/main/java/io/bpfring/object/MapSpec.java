package io.bpfring.object;

import io.bpfring.bpf.MapType;
import io.bpfring.sys.Sys;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A map the object declares, before it is created: a BTF-defined map of {@code .maps}, or an
 * internal map holding a global data section ({@code .data}, {@code .rodata}, {@code .bss} and
 * their {@code .name} variants) or the {@code .kconfig} externs. Everything but the entry count
 * is as the object says; {@link #setMaxEntries} resizes before load.
 */
public final class MapSpec {
    /** Where the map comes from. */
    public enum Kind {
        /** Declared in {@code .maps}. */
        DECLARED,
        DATA,
        RODATA,
        BSS,
        KCONFIG;

        /** Read-only for programs ({@code BPF_F_RDONLY_PROG}) and frozen after its contents are written. */
        boolean readOnly() {
            return this == RODATA || this == KCONFIG;
        }
    }

    /** libbpf's {@code pinning} attribute. */
    public enum Pinning {
        NONE,
        /** Pinned in bpffs under its name; a compatible pin there is reused. */
        BY_NAME
    }

    /** {@code map_flags} bits the loader sets itself. */
    static final int F_RDONLY_PROG = 1 << 7;
    static final int F_MMAPABLE = 1 << 10;

    private final String name;
    private final Kind kind;
    private final String section;
    private final MapType type;
    private final int keySize;
    private final int valueSize;
    private int maxEntries;
    private final int flags;
    private final int numaNode;
    private final long mapExtra;
    private final Pinning pinning;
    private final int keyTypeId;
    private final int valueTypeId;
    private final MapSpec inner;
    private final Map<Integer, Object> slots = new LinkedHashMap<>();
    private final byte[] contents;

    MapSpec(String name, Kind kind, String section, MapType type, int keySize, int valueSize, int maxEntries,
            int flags, int numaNode, long mapExtra, Pinning pinning, int keyTypeId, int valueTypeId, MapSpec inner,
            byte[] contents) {
        this.name = name;
        this.kind = kind;
        this.section = section;
        this.type = type;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.maxEntries = isRing(type) ? ringSize(maxEntries) : maxEntries;
        this.flags = flags;
        this.numaNode = numaNode;
        this.mapExtra = mapExtra;
        this.pinning = pinning;
        this.keyTypeId = keyTypeId;
        this.valueTypeId = valueTypeId;
        this.inner = inner;
        this.contents = contents;
    }

    /** The name in the object; the kernel gets its first 15 characters. */
    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    /** Whether the loader made it from a data section or the externs rather than from {@code .maps}. */
    public boolean isInternal() {
        return kind != Kind.DECLARED;
    }

    /** The ELF section it comes from: {@code .maps}, {@code .rodata}, ... ({@code .kconfig} for the externs). */
    public String section() {
        return section;
    }

    public MapType type() {
        return type;
    }

    public int keySize() {
        return keySize;
    }

    public int valueSize() {
        return valueSize;
    }

    /**
     * The entry count (for a ring buffer its size in bytes, rounded as libbpf does); 0 for a
     * perf event array means one slot per possible CPU, settled at load.
     */
    public int maxEntries() {
        return maxEntries;
    }

    /**
     * Resizes the map before load. A ring buffer size is rounded up to a power-of-2 number of
     * pages as the kernel needs, as libbpf does.
     */
    public void setMaxEntries(int maxEntries) {
        if (isInternal()) {
            throw new IllegalStateException("map '" + name + "' holds section " + section
                    + " in its one entry; it cannot be resized");
        }
        if (maxEntries < 0) {
            throw new IllegalArgumentException("map '" + name + "': max_entries " + Integer.toUnsignedString(maxEntries)
                    + " is too large");
        }
        this.maxEntries = isRing(type) ? ringSize(maxEntries) : maxEntries;
    }

    /** {@code map_flags}, with the ones the loader adds for internal maps. */
    public int flags() {
        return flags;
    }

    public int numaNode() {
        return numaNode;
    }

    public long mapExtra() {
        return mapExtra;
    }

    public Pinning pinning() {
        return pinning;
    }

    /** The key's BTF type id in the object's BTF, 0 if it has none (sizes only). */
    public int keyTypeId() {
        return keyTypeId;
    }

    /** The value's BTF type id: its declared type, or the section's DATASEC for an internal map; 0 if none. */
    public int valueTypeId() {
        return valueTypeId;
    }

    /** The inner map of an array or hash of maps, from {@code __array(values, ...)}. */
    public Optional<MapSpec> inner() {
        return Optional.ofNullable(inner);
    }

    /** Initial slots of a map of maps or program array, from {@code .rel.maps}: index to map or program name. */
    public Map<Integer, String> initialSlots() {
        Map<Integer, String> names = new LinkedHashMap<>();
        slots.forEach((slot, target) -> names.put(slot, target instanceof MapSpec m ? m.name()
                : ((ProgramSpec) target).name()));
        return Collections.unmodifiableMap(names);
    }

    /** The initial contents of an internal map's value, as variables were set. */
    public Optional<byte[]> contents() {
        return Optional.ofNullable(contents).map(byte[]::clone);
    }

    Map<Integer, Object> slots() {
        return slots;
    }

    /** The live contents, for variables to write into. */
    byte[] data() {
        return contents;
    }

    private static boolean isRing(MapType type) {
        return type.equals(MapType.RINGBUF) || type.equals(MapType.USER_RINGBUF);
    }

    /**
     * libbpf's {@code adjust_ringbuf_sz}: a size that is a power-of-2 number of pages stays,
     * any other becomes the smallest such size above it; 0 stays 0 for the kernel to refuse.
     */
    static int ringSize(int size) {
        long page = Sys.pageSize();
        long unsigned = Integer.toUnsignedLong(size);
        if (unsigned == 0 || unsigned % page == 0 && Long.bitCount(unsigned / page) == 1) {
            return size;
        }
        for (long bytes = page; bytes <= 0xffffffffL; bytes <<= 1) {
            if (bytes > unsigned) {
                return (int) bytes;
            }
        }
        return size;
    }

    @Override
    public String toString() {
        return type + " map '" + name + "' (key " + keySize + ", value " + valueSize + ", max_entries "
                + Integer.toUnsignedString(maxEntries) + (flags != 0 ? String.format(", flags 0x%x", flags) : "") + ")";
    }
}
