package io.bpfring.btf;

import io.bpfring.BtfException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A BTF type table: the types of one {@code .BTF} blob, and the base it continues if it is split
 * BTF (a kernel module's on top of vmlinux, whose type ids and string offsets start where the
 * base's end).
 *
 * <p>Parsing checks the whole blob once (header, every type's size, every type id and string
 * offset it refers to) and keeps only the bytes and an array of type offsets, so a lookup never
 * fails on bad input later, and nothing is inflated until asked for: {@link #type(int)} decodes
 * one type into a record. Immutable, and safe to share between threads.
 */
public final class Btf {
    /** {@code BTF_MAGIC}, as a little-endian u16. */
    public static final int MAGIC = 0xeb9f;
    /** Where the running kernel publishes its BTF. */
    public static final Path KERNEL = Path.of("/sys/kernel/btf/vmlinux");

    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** {@code struct btf_header} up to {@code str_len}; newer headers add the layout section. */
    static final int HEADER_MIN = 24;
    static final int HEADER_WITH_LAYOUT = 32;
    static final int TYPE_SIZE = 12;
    private static final long MAX_STRINGS = 0x7fffffffL;

    private final MemorySegment data;
    private final BtfHeader header;
    private final Btf base;
    private final MemorySegment types;
    private final MemorySegment strings;
    private final int firstId;
    private final int firstString;
    private final int[] offsets;
    private volatile NameIndex names;
    private volatile int pointerSize;

    private Btf(MemorySegment data, Btf base) {
        this.data = data;
        this.base = base;
        this.header = BtfHeader.parse(data);
        this.types = data.asSlice(header.typesStart(), header.typeLength());
        this.strings = data.asSlice(header.stringsStart(), header.stringLength());
        this.firstId = base == null ? 1 : base.typeCount();
        this.firstString = base == null ? 0 : base.firstString + (int) base.strings.byteSize();
        if (base == null && header.stringLength() == 0) {
            throw new BtfException("BTF string section is empty: it must hold at least the empty string");
        }
        if (header.stringLength() > 0) {
            if (strings.get(ValueLayout.JAVA_BYTE, header.stringLength() - 1) != 0) {
                throw new BtfException("BTF string section (offset " + header.stringsStart()
                        + ") does not end with a NUL");
            }
            if ((long) firstString + header.stringLength() - 1 > MAX_STRINGS) {
                throw new BtfException("BTF string section of " + header.stringLength() + " bytes is too large");
            }
        }
        if (base == null && strings.get(ValueLayout.JAVA_BYTE, 0) != 0) {
            throw new BtfException("BTF string section does not start with the empty string: is this split BTF"
                    + " that needs its base?");
        }
        this.offsets = TypeChecker.offsets(types, firstId);
        if ((long) firstId + offsets.length > Integer.MAX_VALUE) {
            throw new BtfException("too many BTF types: " + offsets.length + " after " + firstId);
        }
        new TypeChecker(this).check();
    }

    /** Parses a BTF blob (not split); the memory must not change while the result is used. */
    public static Btf parse(MemorySegment data) {
        return new Btf(data.asReadOnly(), null);
    }

    /** Parses split BTF on top of {@code base}, e.g. a kernel module's on vmlinux. */
    public static Btf parse(MemorySegment data, Btf base) {
        if (base == null) {
            throw new IllegalArgumentException("split BTF needs its base");
        }
        return new Btf(data.asReadOnly(), base);
    }

    /** Parses a BTF blob held in an array, which must not change afterwards. */
    public static Btf parse(byte[] data) {
        return parse(MemorySegment.ofArray(data));
    }

    /** Reads raw BTF from a file (not an ELF object: see {@code io.bpfring.elf} for that). */
    public static Btf read(Path path) throws IOException {
        return read(path, null);
    }

    /** Reads raw split BTF from a file, e.g. {@code /sys/kernel/btf/<module>} on the kernel's. */
    public static Btf read(Path path, Btf base) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        try {
            MemorySegment data = MemorySegment.ofArray(bytes);
            return base == null ? parse(data) : parse(data, base);
        } catch (BtfException e) {
            throw new BtfException(path + ": " + e.getMessage());
        }
    }

    /**
     * The running kernel's BTF: {@link TargetBtf#kernel()}'s, parsed once per JVM and shared.
     * {@code read(KERNEL)} reads and parses it anew.
     */
    public static Btf kernel() throws IOException {
        return TargetBtf.kernel().vmlinux();
    }

    /** The base this split BTF continues, or null. */
    public Btf base() {
        return base;
    }

    /** The first type id of this table: 1, or the base's {@link #typeCount()} for split BTF. */
    public int firstId() {
        return firstId;
    }

    /** One more than the last type id, counting void and the base's types (libbpf's {@code btf__type_cnt}). */
    public int typeCount() {
        return firstId + offsets.length;
    }

    public BtfKind kind(int id) {
        if (id == 0) {
            return BtfKind.VOID;
        }
        if (id < firstId) {
            return baseOf(id).kind(id);
        }
        return BtfKind.of((info(id) >>> 24) & 0x7f);
    }

    /** The type's name, "" if it has none ("void" for id 0). */
    public String name(int id) {
        if (id == 0) {
            return "void";
        }
        if (id < firstId) {
            return baseOf(id).name(id);
        }
        return string(types.get(U32, offset(id)));
    }

    /** The type {@code id}, decoded. */
    public BtfType type(int id) {
        if (id == 0) {
            return BtfType.Void.INSTANCE;
        }
        if (id < firstId) {
            return baseOf(id).type(id);
        }
        return TypeReader.read(this, id, types, offset(id));
    }

    /** The NUL-terminated string at {@code offset} of the string table (which continues the base's). */
    public String string(int offset) {
        if (offset < firstString && offset >= 0) {
            return base.string(offset);
        }
        long local = (offset & 0xffffffffL) - firstString;
        if (local >= strings.byteSize()) {
            throw new BtfException("string offset " + Integer.toUnsignedString(offset)
                    + " is past the end of the BTF string section (" + (firstString + strings.byteSize()) + ")");
        }
        return strings.getString(local, StandardCharsets.UTF_8);
    }

    /** Skips CONST, VOLATILE, RESTRICT and TYPE_TAG; the id of the first other type in the chain. */
    public int skipQualifiers(int id) {
        return skip(id, false);
    }

    /** Skips qualifiers and typedefs: the id of the type that says what a value really is. */
    public int resolve(int id) {
        return skip(id, true);
    }

    private int skip(int id, boolean typedefs) {
        int start = id;
        for (int steps = 0; ; steps++) {
            BtfKind kind = kind(id);
            if (!kind.isQualifier() && !(typedefs && kind == BtfKind.TYPEDEF)) {
                return id;
            }
            if (steps > typeCount()) {
                throw cycle(start);
            }
            id = target(id);
        }
    }

    /**
     * The size in bytes of a value of the type (libbpf's {@code btf__resolve_size}): through
     * typedefs, qualifiers, VARs and arrays; pointers have {@link #pointerSize()}.
     *
     * @throws BtfException for a type without a size (void, a function, a forward declaration)
     *                      or an array larger than 4 GiB
     */
    public long sizeOf(int id) {
        int start = id;
        long elements = 1;
        for (int steps = 0; steps <= typeCount(); steps++) {
            switch (kind(id)) {
                case INT, ENUM, ENUM64, STRUCT, UNION, DATASEC, FLOAT -> {
                    return total(start, elements, word(id, 8) & 0xffffffffL);
                }
                case PTR -> {
                    return total(start, elements, pointerSize());
                }
                case TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG, VAR, DECL_TAG -> id = target(id);
                case ARRAY -> {
                    elements = total(start, elements, word(id, 20) & 0xffffffffL);
                    id = word(id, 12);
                }
                default -> throw new BtfException("type id " + start + " (" + describe(start) + ") has no size"
                        + (start == id ? "" : ": it comes down to type id " + id + " (" + describe(id) + ")"));
            }
        }
        throw cycle(start);
    }

    private static long total(int id, long elements, long size) {
        long bytes = elements * size;
        if (size != 0 && (bytes / size != elements || bytes > 0xffffffffL)) {
            throw new BtfException("type id " + id + " is larger than 4 GiB");
        }
        return bytes;
    }

    /**
     * The size of a pointer, from the size of {@code long} as libbpf finds it: 8 unless the
     * table (or its base) says otherwise.
     */
    public int pointerSize() {
        int size = pointerSize;
        if (size == 0) {
            size = base != null ? base.pointerSize() : longSize();
            pointerSize = size;
        }
        return size;
    }

    private int longSize() {
        for (String alias : List.of("long", "unsigned long", "long int", "long unsigned int",
                "unsigned long int")) {
            OptionalInt id = find(alias, BtfKind.INT);
            if (id.isPresent()) {
                int size = word(id.getAsInt(), 8);
                if (size == 4 || size == 8) {
                    return size;
                }
            }
        }
        return 8;
    }

    /** The lowest type id of {@code kind} named exactly {@code name}, base types first. */
    public OptionalInt find(String name, BtfKind kind) {
        if (base != null) {
            OptionalInt found = base.find(name, kind);
            if (found.isPresent()) {
                return found;
            }
        }
        return names().first(name.getBytes(StandardCharsets.UTF_8), kind);
    }

    /** Every type id named exactly {@code name}, of any kind, in id order, base types first. */
    public List<Integer> findAll(String name) {
        List<Integer> ids = new ArrayList<>();
        if (base != null) {
            ids.addAll(base.findAll(name));
        }
        names().all(name.getBytes(StandardCharsets.UTF_8), ids);
        return ids;
    }

    private NameIndex names() {
        NameIndex index = names;
        if (index == null) {
            index = new NameIndex(this);
            names = index;
        }
        return index;
    }

    /** The type as C names it, e.g. {@code struct task_struct}, {@code const char *}, {@code int[16]}. */
    public String typeName(int id) {
        return new CDecl(this).declaration(id, "");
    }

    /** A C declaration of {@code name} with the type, e.g. {@code char comm[16]} or {@code int (*fn)(void)}. */
    public String declaration(int id, String name) {
        return new CDecl(this).declaration(id, name);
    }

    /**
     * The C definition of a struct, union or enum ({@code struct event { ... };}), with
     * anonymous inner types written inline; for other types, their declaration.
     */
    public String definition(int id) {
        return new CDecl(this).definition(id);
    }

    @Override
    public String toString() {
        return "BTF of " + offsets.length + " types" + (base == null ? "" : " after " + firstId);
    }

    // ---- for the package: raw access to validated data

    BtfHeader header() {
        return header;
    }

    MemorySegment headerBytes() {
        return data.asSlice(0, header.length());
    }

    MemorySegment layout() {
        return data.asSlice(header.layoutStart(), header.layoutLength());
    }

    MemorySegment types() {
        return types;
    }

    MemorySegment strings() {
        return strings;
    }

    int firstString() {
        return firstString;
    }

    /** The number of types in this table, not its base's. */
    int localCount() {
        return offsets.length;
    }

    /** The bytes of local type {@code id}. */
    MemorySegment raw(int id) {
        int i = id - firstId;
        long end = i + 1 < offsets.length ? offsets[i + 1] : types.byteSize();
        return types.asSlice(offsets[i], end - offsets[i]);
    }

    /** Byte offset of local type {@code id} in the type section. */
    int offset(int id) {
        if (id < firstId || id >= typeCount()) {
            throw new IllegalArgumentException("no type id " + id + " in " + this);
        }
        return offsets[id - firstId];
    }

    /** The u32 at {@code at} bytes into type {@code id} (0: name_off, 4: info, 8: size or type, 12: ...). */
    int word(int id, int at) {
        if (id < firstId) {
            return baseOf(id).word(id, at);
        }
        return types.get(U32, offset(id) + at);
    }

    private int info(int id) {
        return types.get(U32, offset(id) + 4);
    }

    /** The type a PTR, TYPEDEF, qualifier, FUNC, VAR or tag refers to. */
    int target(int id) {
        return word(id, 8);
    }

    private Btf baseOf(int id) {
        if (id < 0 || base == null) {
            throw new IllegalArgumentException("no type id " + id + " in " + this);
        }
        return base;
    }

    /** Whether the string at {@code offset} is exactly {@code name}'s bytes. */
    boolean nameEquals(int offset, byte[] name) {
        if (offset < firstString) {
            return base.nameEquals(offset, name);
        }
        long at = offset - firstString;
        if (at + name.length >= strings.byteSize()) {
            return false;
        }
        for (int i = 0; i < name.length; i++) {
            if (strings.get(ValueLayout.JAVA_BYTE, at + i) != name[i]) {
                return false;
            }
        }
        return strings.get(ValueLayout.JAVA_BYTE, at + name.length) == 0;
    }

    /** FNV-1a of the string at {@code offset}, the same as {@link NameIndex#hash(byte[])} of its bytes. */
    int nameHash(int offset) {
        if (offset < firstString) {
            return base.nameHash(offset);
        }
        int hash = NameIndex.FNV_BASIS;
        for (long at = offset - firstString; ; at++) {
            byte b = strings.get(ValueLayout.JAVA_BYTE, at);
            if (b == 0) {
                return hash;
            }
            hash = (hash ^ (b & 0xff)) * NameIndex.FNV_PRIME;
        }
    }

    /** "STRUCT 'task_struct'", for messages. */
    String describe(int id) {
        BtfKind kind = kind(id);
        String name = name(id);
        return name.isEmpty() ? kind.name() : kind + " '" + name + "'";
    }

    BtfException cycle(int id) {
        return new BtfException("type id " + id + " (" + kind(id) + "): the chain of types it refers to is a cycle");
    }
}
