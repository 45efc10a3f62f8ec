package io.bpfring.btf;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Builds small BTF tables for CO-RE tests: one call per type, ids returned. */
final class CoreTypesBuilder {
    private final BtfWriter writer;
    private final Btf base;

    CoreTypesBuilder() {
        this(BtfWriter.empty(), null);
    }

    private CoreTypesBuilder(BtfWriter writer, Btf base) {
        this.writer = writer;
        this.base = base;
    }

    /** Split BTF on top of {@code base}, as a kernel module's. */
    static CoreTypesBuilder split(Btf base) {
        return new CoreTypesBuilder(BtfWriter.split(base), base);
    }

    int add(BtfType t) {
        return writer.add(t);
    }

    int integer(String name, int size, boolean signed) {
        return add(new BtfType.Int(name, size, signed ? BtfType.Int.SIGNED : 0, 0, size * 8));
    }

    int ptr(int to) {
        return add(new BtfType.Pointer(to));
    }

    int array(int elem, int count) {
        return add(new BtfType.Array(elem, elem, count));
    }

    int typedef(String name, int to) {
        return add(new BtfType.Typedef(name, to));
    }

    int constOf(int to) {
        return add(new BtfType.Const(to));
    }

    int fwd(String name, boolean union) {
        return add(new BtfType.Fwd(name, union));
    }

    /** A struct; members as {@link #m}, offsets in bits. */
    int struct(String name, int size, BtfType.Member... members) {
        boolean bitfields = Arrays.stream(members).anyMatch(m -> m.bitfieldSize() > 0);
        return add(new BtfType.Struct(name, size, List.of(members), bitfields));
    }

    int union(String name, int size, BtfType.Member... members) {
        return add(new BtfType.Union(name, size, List.of(members), false));
    }

    /** An enum of {@code size} bytes from name, value pairs. */
    int enumeration(String name, int size, boolean signed, Object... nameValues) {
        return add(new BtfType.Enum(name, size, signed, values(nameValues)));
    }

    int enum64(String name, boolean signed, Object... nameValues) {
        return add(new BtfType.Enum64(name, 8, signed, values(nameValues)));
    }

    int funcProto(int returnType, int... params) {
        List<BtfType.Param> list = new ArrayList<>();
        for (int p : params) {
            list.add(new BtfType.Param("", p));
        }
        return add(new BtfType.FuncProto(returnType, list));
    }

    private static List<BtfType.EnumValue> values(Object... nameValues) {
        List<BtfType.EnumValue> values = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            values.add(new BtfType.EnumValue((String) nameValues[i], ((Number) nameValues[i + 1]).longValue()));
        }
        return values;
    }

    static BtfType.Member m(String name, int type, int bitOffset) {
        return new BtfType.Member(name, type, bitOffset, 0);
    }

    /** A bitfield member (the struct gets the kind flag). */
    static BtfType.Member bits(String name, int type, int bitOffset, int bits) {
        return new BtfType.Member(name, type, bitOffset, bits);
    }

    byte[] bytes() {
        return writer.toBytes();
    }

    Btf build() {
        byte[] bytes = writer.toBytes();
        return base == null ? Btf.parse(bytes) : Btf.parse(MemorySegment.ofArray(bytes), base);
    }
}
