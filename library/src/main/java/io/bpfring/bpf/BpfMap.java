package io.bpfring.bpf;

import io.bpfring.ClosedException;
import io.bpfring.Errno;
import io.bpfring.NotSupportedException;
import io.bpfring.SyscallException;
import io.bpfring.asm.MapFd;
import io.bpfring.ring.RingLayout;
import io.bpfring.sys.BpfAttr;
import io.bpfring.sys.BpfInfo;
import io.bpfring.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * A BPF map: created here or opened from a path pinned in bpffs. Closing releases the fd; the
 * kernel frees the map when no fd, program or pin holds it any more.
 */
public final class BpfMap implements MapFd, AutoCloseable {
    /** update flag: create or replace. */
    public static final long ANY = 0;
    /** update flag: create only, EEXIST if the key is there. */
    public static final long NO_EXIST = 1;
    /** update flag: replace only, ENOENT if the key is absent. */
    public static final long EXIST = 2;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.]{0,15}");

    private final int fd;
    private final MapType type;
    private final int keySize;
    private final int valueSize;
    private final int maxEntries;
    private final String name;
    private boolean closed;

    private BpfMap(int fd, MapType type, int keySize, int valueSize, int maxEntries, String name) {
        this.fd = fd;
        this.type = type;
        this.keySize = keySize;
        this.valueSize = valueSize;
        this.maxEntries = maxEntries;
        this.name = name;
    }

    /** A ring buffer of {@code size} data bytes: a power of 2 and a multiple of the page size. */
    public static BpfMap ringBuf(String name, int size) {
        checkRingSize(size);
        return needing("5.8", MapType.RINGBUF, () -> create(MapType.RINGBUF, name, 0, 0, size, 0));
    }

    /** A user ring buffer of {@code size} data bytes: user space produces, a BPF program drains. */
    public static BpfMap userRingBuf(String name, int size) {
        return needing("6.1", MapType.USER_RINGBUF, () -> create(MapType.USER_RINGBUF, name, 0, 0, size, 0));
    }

    /**
     * Creates a map of a type that came with kernel {@code minimum}: a kernel older than that
     * refuses the type (EINVAL) as it refuses a bad size, and is told apart here.
     */
    private static BpfMap needing(String minimum, MapType type, Supplier<BpfMap> create) {
        try {
            return create.get();
        } catch (SyscallException e) {
            String release = Platform.kernelRelease();
            if (Platform.isOlder(release, minimum)) {
                throw new NotSupportedException("BPF_MAP_TYPE_" + type, minimum, release, e);
            }
            throw e;
        }
    }

    /** An array of {@code entries} values of {@code valueSize} bytes, keyed by a u32 index. */
    public static BpfMap array(String name, int valueSize, int entries) {
        return create(MapType.ARRAY, name, 4, valueSize, entries, 0);
    }

    /** An array that holds one value per possible CPU at each index. */
    public static BpfMap perCpuArray(String name, int valueSize, int entries) {
        return create(MapType.PERCPU_ARRAY, name, 4, valueSize, entries, 0);
    }

    /** A perf buffer map: one slot per possible CPU, for the perf events a reader opens. */
    public static BpfMap perfEventArray(String name) {
        return create(MapType.PERF_EVENT_ARRAY, name, 4, 4, Cpus.possibleCount(), 0);
    }

    /** A hash table of at most {@code entries} keys. */
    public static BpfMap hash(String name, int keySize, int valueSize, int entries) {
        return create(MapType.HASH, name, keySize, valueSize, entries, 0);
    }

    /** Creates a map of any type the kernel knows. Sizes are checked by the kernel except the ring's. */
    public static BpfMap create(MapType type, String name, int keySize, int valueSize, int maxEntries, int flags) {
        return builder(type, name).keySize(keySize).valueSize(valueSize).maxEntries(maxEntries).flags(flags).create();
    }

    /** A map described field by field, for what the short-hand factories leave out (BTF types, inner maps, NUMA). */
    public static Builder builder(MapType type, String name) {
        return new Builder(type, name);
    }

    /** The fields of BPF_MAP_CREATE; unset ones are 0. */
    public static final class Builder {
        private final MapType type;
        private final String name;
        private int keySize;
        private int valueSize;
        private int maxEntries;
        private int flags;
        private int numaNode;
        private long mapExtra;
        private int innerMapFd;
        private int btfFd;
        private int btfKeyTypeId;
        private int btfValueTypeId;

        private Builder(MapType type, String name) {
            this.type = type;
            this.name = name;
        }

        public Builder keySize(int keySize) {
            this.keySize = keySize;
            return this;
        }

        public Builder valueSize(int valueSize) {
            this.valueSize = valueSize;
            return this;
        }

        public Builder maxEntries(int maxEntries) {
            this.maxEntries = maxEntries;
            return this;
        }

        /** {@code map_flags}, e.g. {@code BPF_F_NO_PREALLOC} or {@code BPF_F_RDONLY_PROG}. */
        public Builder flags(int flags) {
            this.flags = flags;
            return this;
        }

        /** The NUMA node; the kernel reads it only with {@code BPF_F_NUMA_NODE} in the flags. */
        public Builder numaNode(int numaNode) {
            this.numaNode = numaNode;
            return this;
        }

        public Builder mapExtra(long mapExtra) {
            this.mapExtra = mapExtra;
            return this;
        }

        /** A map of the inner maps' kind, for an array or hash of maps. */
        public Builder innerMap(BpfMap inner) {
            this.innerMapFd = inner.fd();
            return this;
        }

        /** Key and value types in loaded BTF; a type id of 0 means none. */
        public Builder btf(int btfFd, int keyTypeId, int valueTypeId) {
            this.btfFd = btfFd;
            this.btfKeyTypeId = keyTypeId;
            this.btfValueTypeId = valueTypeId;
            return this;
        }

        public BpfMap create() {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("map name '" + name
                        + "' must be at most 15 characters of letters, digits, '_' and '.'");
            }
            if (type == MapType.RINGBUF || type == MapType.USER_RINGBUF) {
                checkRingSize(maxEntries);
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment attr = BpfAttr.allocate(arena);
                BpfAttr.MapCreate.MAP_TYPE.set(attr, type.id());
                BpfAttr.MapCreate.KEY_SIZE.set(attr, keySize);
                BpfAttr.MapCreate.VALUE_SIZE.set(attr, valueSize);
                BpfAttr.MapCreate.MAX_ENTRIES.set(attr, maxEntries);
                BpfAttr.MapCreate.MAP_FLAGS.set(attr, flags);
                BpfAttr.MapCreate.NUMA_NODE.set(attr, numaNode);
                BpfAttr.MapCreate.MAP_EXTRA.set(attr, mapExtra);
                BpfAttr.MapCreate.INNER_MAP_FD.set(attr, innerMapFd);
                if (btfKeyTypeId != 0 || btfValueTypeId != 0) {
                    BpfAttr.MapCreate.BTF_FD.set(attr, btfFd);
                    BpfAttr.MapCreate.BTF_KEY_TYPE_ID.set(attr, btfKeyTypeId);
                    BpfAttr.MapCreate.BTF_VALUE_TYPE_ID.set(attr, btfValueTypeId);
                }
                BpfAttr.MapCreate.MAP_NAME.setString(attr, name);
                int fd = Sys.bpf(Cmd.MAP_CREATE, attr, "bpf(BPF_MAP_CREATE " + type + " '" + name + "')");
                return new BpfMap(fd, type, keySize, valueSize, maxEntries, name);
            }
        }
    }

    private static void checkRingSize(long size) {
        long page = Sys.pageSize();
        if (!RingLayout.isValidSize(size, page)) {
            long suggestion = size <= page ? page : Long.highestOneBit(size - 1) << 1;
            throw new IllegalArgumentException("ring size " + size + " must be a power of 2 and a multiple of the page size ("
                    + page + " bytes); try " + suggestion);
        }
    }

    /** Opens a map pinned at {@code path} in bpffs. */
    public static BpfMap openPinned(Path path) {
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfAttr.allocate(arena);
            BpfAttr.Obj.PATHNAME.set(attr, arena.allocateFrom(path.toString()).address());
            fd = Sys.bpf(Cmd.OBJ_GET, attr, "bpf(BPF_OBJ_GET " + path + ")");
        }
        try {
            Info info = info(fd, path.toString());
            return new BpfMap(fd, info.type(), info.keySize(), info.valueSize(), info.maxEntries(), info.name());
        } catch (RuntimeException e) {
            Sys.close(fd);
            throw e;
        }
    }

    /** Pins the map at {@code path} in bpffs (mounting bpffs first when it is missing). */
    public void pin(Path path) {
        Mounts.ensureBpffs(path);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfAttr.allocate(arena);
            BpfAttr.Obj.PATHNAME.set(attr, arena.allocateFrom(path.toString()).address());
            BpfAttr.Obj.BPF_FD.set(attr, fd());
            Sys.bpf(Cmd.OBJ_PIN, attr, "bpf(BPF_OBJ_PIN " + path + ")");
        }
    }

    /**
     * Makes the map read-only for system calls (BPF_MAP_FREEZE); programs may still write it
     * unless it was created with {@code BPF_F_RDONLY_PROG}.
     */
    public void freeze() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfAttr.allocate(arena);
            BpfAttr.MapElem.MAP_FD.set(attr, fd());
            Sys.bpf(Cmd.MAP_FREEZE, attr, "bpf(BPF_MAP_FREEZE '" + name + "')");
        }
    }

    /** What the kernel says about the map (BPF_OBJ_GET_INFO_BY_FD). */
    public Info info() {
        return info(fd(), name);
    }

    /** The kernel's {@code struct bpf_map_info}, the fields a loader compares. */
    public record Info(MapType type, int id, int keySize, int valueSize, int maxEntries, int flags, long mapExtra,
                       String name, int btfId) {
    }

    private static Info info(int fd, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(BpfInfo.Map.LAYOUT);
            MemorySegment attr = BpfAttr.allocate(arena);
            BpfAttr.Info.BPF_FD.set(attr, fd);
            BpfAttr.Info.INFO_LEN.set(attr, (int) info.byteSize());
            BpfAttr.Info.INFO.set(attr, info.address());
            Sys.bpf(Cmd.OBJ_GET_INFO_BY_FD, attr, "bpf(BPF_OBJ_GET_INFO_BY_FD " + what + ")");
            return new Info(MapType.of((int) BpfInfo.Map.TYPE.get(info)), (int) BpfInfo.Map.ID.get(info),
                    (int) BpfInfo.Map.KEY_SIZE.get(info), (int) BpfInfo.Map.VALUE_SIZE.get(info),
                    (int) BpfInfo.Map.MAX_ENTRIES.get(info), (int) BpfInfo.Map.MAP_FLAGS.get(info),
                    (long) BpfInfo.Map.MAP_EXTRA.get(info), BpfInfo.Map.NAME.getString(info),
                    (int) BpfInfo.Map.BTF_ID.get(info));
        }
    }

    /**
     * Looks {@code key} up and copies its value into {@code value}.
     *
     * @return false when the key is absent
     */
    public boolean lookup(MemorySegment key, MemorySegment value) {
        checkKey(key);
        checkValue(value);
        return elementCall(Cmd.MAP_LOOKUP_ELEM, "BPF_MAP_LOOKUP_ELEM", key, value, 0);
    }

    /** Sets {@code key} to {@code value}; {@code flags} is {@link #ANY}, {@link #NO_EXIST} or {@link #EXIST}. */
    public void update(MemorySegment key, MemorySegment value, long flags) {
        checkKey(key);
        checkValue(value);
        if (!elementCall(Cmd.MAP_UPDATE_ELEM, "BPF_MAP_UPDATE_ELEM", key, value, flags)) {
            throw new SyscallException("bpf(BPF_MAP_UPDATE_ELEM '" + name + "')", Errno.ENOENT,
                    "the key is absent and EXIST was asked for");
        }
    }

    /** Deletes {@code key}; returns false when it was absent. */
    public boolean delete(MemorySegment key) {
        checkKey(key);
        return elementCall(Cmd.MAP_DELETE_ELEM, "BPF_MAP_DELETE_ELEM", key, MemorySegment.NULL, 0);
    }

    /**
     * Writes the key after {@code key} (the first key when {@code key} is null) into {@code next}.
     *
     * @return false when there is no further key
     */
    public boolean nextKey(MemorySegment key, MemorySegment next) {
        if (key != null) {
            checkKey(key);
        }
        checkKey(next);
        return elementCall(Cmd.MAP_GET_NEXT_KEY, "BPF_MAP_GET_NEXT_KEY", key == null ? MemorySegment.NULL : key, next, 0);
    }

    /** The value of {@code key} copied out, or empty when absent. */
    public Optional<byte[]> lookup(byte[] key) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(valueBufferSize(), 8);
            if (!lookup(arena.allocateFrom(JAVA_BYTE, key), value)) {
                return Optional.empty();
            }
            return Optional.of(value.toArray(JAVA_BYTE));
        }
    }

    public void update(byte[] key, byte[] value, long flags) {
        try (Arena arena = Arena.ofConfined()) {
            update(arena.allocateFrom(JAVA_BYTE, key), arena.allocateFrom(JAVA_BYTE, value), flags);
        }
    }

    public boolean delete(byte[] key) {
        try (Arena arena = Arena.ofConfined()) {
            return delete(arena.allocateFrom(JAVA_BYTE, key));
        }
    }

    /** Returns false for ENOENT, throws for any other failure. */
    private boolean elementCall(int cmd, String cmdName, MemorySegment key, MemorySegment value, long flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfAttr.allocate(arena);
            BpfAttr.MapElem.MAP_FD.set(attr, fd());
            BpfAttr.MapElem.KEY.set(attr, key.address());
            BpfAttr.MapElem.VALUE.set(attr, value.address()); // next_key, for BPF_MAP_GET_NEXT_KEY
            BpfAttr.MapElem.FLAGS.set(attr, flags);
            int result = Sys.bpfOrErrno(cmd, attr);
            if (result == -Errno.ENOENT) {
                return false;
            }
            if (result < 0) {
                throw new SyscallException("bpf(" + cmdName + " '" + name + "')", -result);
            }
            return true;
        }
    }

    private void checkKey(MemorySegment key) {
        if (key.byteSize() != keySize) {
            throw new IllegalArgumentException("map '" + name + "' takes keys of " + keySize
                    + " bytes, got " + key.byteSize());
        }
    }

    private void checkValue(MemorySegment value) {
        if (value.byteSize() < valueBufferSize()) {
            throw new IllegalArgumentException("map '" + name + "' needs " + valueBufferSize()
                    + " bytes for a value, got " + value.byteSize());
        }
    }

    /** Bytes a lookup writes: the value size, or for a per-CPU map one 8-aligned value per possible CPU. */
    public long valueBufferSize() {
        return type.isPerCpu() ? ((valueSize + 7L) & ~7L) * Cpus.possibleCount() : valueSize;
    }

    /** The map's fd; a {@link ClosedException} once closed. */
    @Override
    public int fd() {
        if (closed) {
            throw new ClosedException("map '" + name + "' is closed");
        }
        return fd;
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

    /** The entry count; for a ring buffer, its data size in bytes. */
    public int maxEntries() {
        return maxEntries;
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Sys.close(fd);
        }
    }

    @Override
    public String toString() {
        return type + " map '" + name + "' (fd " + fd + ")";
    }
}
