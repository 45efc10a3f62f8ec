package io.bpfring.btf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a BTF blob for the kernel: a parsed table with some types replaced or added (what a
 * loader does before {@code BPF_BTF_LOAD}: DATASEC sizes and VAR offsets filled in, kinds the
 * kernel lacks replaced), or types built from nothing.
 *
 * <p>A type left alone is copied byte for byte and the source's string table is kept as it is,
 * new strings going after it, so string offsets held elsewhere ({@code .BTF.ext} line info)
 * stay valid and an unmodified table is written back exactly as it was read.
 */
public final class BtfWriter {
    private final Btf source;
    private final Btf base;
    private final int firstId;
    /** By local index; null: the source's type, unchanged. */
    private final List<BtfType> types = new ArrayList<>();
    private final TypeWriter.Output strings = new TypeWriter.Output();
    private Map<String, Integer> stringOffsets;

    private BtfWriter(Btf source, Btf base) {
        this.source = source;
        this.base = base;
        this.firstId = base == null ? 1 : base.typeCount();
        if (source != null) {
            for (int i = 0; i < source.localCount(); i++) {
                types.add(null);
            }
            strings.bytes(source.strings());
        } else if (base == null) {
            strings.u8(0); // offset 0 is the empty string
        }
    }

    /** Starts from {@code btf}'s own types (and its base, if it is split BTF). */
    public static BtfWriter of(Btf btf) {
        return new BtfWriter(btf, btf.base());
    }

    /** Starts from nothing: the first type added gets id 1. */
    public static BtfWriter empty() {
        return new BtfWriter(null, null);
    }

    /** Starts split BTF on top of {@code base}: the first type added gets the id after the base's last. */
    public static BtfWriter split(Btf base) {
        return new BtfWriter(null, base);
    }

    /** One more than the last type id so far. */
    public int typeCount() {
        return firstId + types.size();
    }

    /** The type {@code id} as it will be written. */
    public BtfType type(int id) {
        if (id < firstId) {
            if (id == 0) {
                return BtfType.Void.INSTANCE;
            }
            if (base == null || id < 0) {
                throw new IllegalArgumentException("no type id " + id);
            }
            return base.type(id);
        }
        BtfType t = types.get(local(id));
        return t != null ? t : source.type(id);
    }

    /** Replaces type {@code id}, one of this table's own. */
    public BtfWriter set(int id, BtfType type) {
        types.set(local(id), check(type));
        return this;
    }

    /** Adds a type; returns its id. */
    public int add(BtfType type) {
        types.add(check(type));
        return typeCount() - 1;
    }

    /** The string offset of {@code s}, adding it to the string table if it is not there yet. */
    public int string(String s) {
        if (s.isEmpty()) {
            return 0;
        }
        if (stringOffsets == null) {
            stringOffsets = new HashMap<>();
            for (Btf b = base; b != null; b = b.base()) {
                index(b.strings(), b.firstString());
            }
            index(MemorySegment.ofArray(strings.toArray()), firstString());
        }
        Integer offset = stringOffsets.get(s);
        if (offset == null) {
            offset = firstString() + strings.size();
            strings.bytes(s.getBytes(StandardCharsets.UTF_8));
            strings.u8(0);
            stringOffsets.put(s, offset);
        }
        return offset;
    }

    /** The blob: header, types, the source's layout section if it had one, strings. */
    public byte[] toBytes() {
        TypeWriter.Output typeBytes = new TypeWriter.Output();
        TypeWriter writer = new TypeWriter(typeBytes, this::string);
        for (int i = 0; i < types.size(); i++) {
            BtfType t = types.get(i);
            if (t == null) {
                typeBytes.bytes(source.raw(firstId + i));
            } else {
                writer.write(t);
            }
        }
        BtfHeader header = source != null ? source.header() : null;
        MemorySegment layout = source != null ? source.layout() : MemorySegment.ofArray(new byte[0]);
        int headerLength = header != null ? header.length() : Btf.HEADER_MIN;
        TypeWriter.Output out = new TypeWriter.Output();
        out.u16(Btf.MAGIC);
        out.u8(1);
        out.u8(header != null ? header.flags() : 0);
        out.u32(headerLength);
        out.u32(0);
        out.u32(typeBytes.size());
        out.u32(typeBytes.size() + (int) layout.byteSize());
        out.u32(strings.size());
        if (headerLength >= Btf.HEADER_WITH_LAYOUT) {
            out.u32(layout.byteSize() == 0 ? 0 : typeBytes.size());
            out.u32((int) layout.byteSize());
            // Header fields this writer does not know are kept as they were.
            out.bytes(source.headerBytes().asSlice(Btf.HEADER_WITH_LAYOUT));
        }
        out.bytes(MemorySegment.ofArray(typeBytes.toArray()));
        out.bytes(layout);
        out.bytes(MemorySegment.ofArray(strings.toArray()));
        return out.toArray();
    }

    private int firstString() {
        return base == null ? 0 : base.firstString() + (int) base.strings().byteSize();
    }

    private void index(MemorySegment table, int start) {
        byte[] bytes = table.toArray(ValueLayout.JAVA_BYTE);
        int begin = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                if (i > begin) {
                    stringOffsets.putIfAbsent(new String(bytes, begin, i - begin, StandardCharsets.UTF_8), start + begin);
                }
                begin = i + 1;
            }
        }
    }

    private int local(int id) {
        if (id < firstId || id >= typeCount()) {
            throw new IllegalArgumentException("type id " + id + " is not one of this table's (" + firstId + " to "
                    + (typeCount() - 1) + ")");
        }
        return id - firstId;
    }

    private static BtfType check(BtfType type) {
        if (type instanceof BtfType.Void) {
            throw new IllegalArgumentException("void is type id 0, not a type to write");
        }
        return type;
    }
}
