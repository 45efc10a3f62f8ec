package io.bpfring.btf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.function.ToIntFunction;

/** Encodes type records as {@code struct btf_type} and what follows it, little-endian. */
final class TypeWriter {
    private static final int MAX_VLEN = 0xffffff;

    private final Output out;
    private final ToIntFunction<String> strings;

    /** {@code strings} gives the string offset of a name, adding it to the string table if needed. */
    TypeWriter(Output out, ToIntFunction<String> strings) {
        this.out = out;
        this.strings = strings;
    }

    void write(BtfType type) {
        switch (type) {
            case BtfType.Void v -> throw new IllegalArgumentException("void is type id 0, not a type to write");
            case BtfType.Int t -> {
                head(t.name(), t, 0, false, t.size());
                check(t.encoding() >= 0 && t.encoding() <= 0xf && t.bitOffset() >= 0 && t.bitOffset() <= 0xff
                        && t.bits() >= 0 && t.bits() <= 0xff, t, "encoding, offset or bits out of range");
                out.u32(t.encoding() << 24 | t.bitOffset() << 16 | t.bits());
            }
            case BtfType.Pointer t -> head("", t, 0, false, t.type());
            case BtfType.Array t -> {
                head("", t, 0, false, 0);
                out.u32(t.type());
                out.u32(t.indexType());
                out.u32(t.count());
            }
            case BtfType.Composite t -> {
                head(t.name(), t, t.members().size(), t.bitfieldOffsets(), t.size());
                for (BtfType.Member m : t.members()) {
                    out.u32(strings.applyAsInt(m.name()));
                    out.u32(m.type());
                    if (t.bitfieldOffsets()) {
                        check(m.bitOffset() >= 0 && m.bitOffset() <= 0xffffff && m.bitfieldSize() >= 0
                                && m.bitfieldSize() <= 0xff, t, "member '" + m.name() + "': offset or size too large");
                        out.u32(m.bitfieldSize() << 24 | m.bitOffset());
                    } else {
                        check(m.bitfieldSize() == 0, t, "member '" + m.name()
                                + "' is a bitfield: it needs bitfieldOffsets");
                        out.u32(m.bitOffset());
                    }
                }
            }
            case BtfType.Enum t -> {
                head(t.name(), t, t.values().size(), t.signed(), t.size());
                for (BtfType.EnumValue v : t.values()) {
                    out.u32(strings.applyAsInt(v.name()));
                    out.u32((int) v.value());
                }
            }
            case BtfType.Enum64 t -> {
                head(t.name(), t, t.values().size(), t.signed(), t.size());
                for (BtfType.EnumValue v : t.values()) {
                    out.u32(strings.applyAsInt(v.name()));
                    out.u32((int) v.value());
                    out.u32((int) (v.value() >>> 32));
                }
            }
            case BtfType.Fwd t -> head(t.name(), t, 0, t.union(), 0);
            case BtfType.Typedef t -> head(t.name(), t, 0, false, t.type());
            case BtfType.Volatile t -> head("", t, 0, false, t.type());
            case BtfType.Const t -> head("", t, 0, false, t.type());
            case BtfType.Restrict t -> head("", t, 0, false, t.type());
            case BtfType.Func t -> head(t.name(), t, t.linkage().ordinal(), false, t.type());
            case BtfType.FuncProto t -> {
                head("", t, t.params().size(), false, t.returnType());
                for (BtfType.Param p : t.params()) {
                    out.u32(strings.applyAsInt(p.name()));
                    out.u32(p.type());
                }
            }
            case BtfType.Var t -> {
                head(t.name(), t, 0, false, t.type());
                out.u32(t.linkage().ordinal());
            }
            case BtfType.Datasec t -> {
                head(t.name(), t, t.vars().size(), false, t.size());
                for (BtfType.VarSecinfo v : t.vars()) {
                    out.u32(v.type());
                    out.u32(v.offset());
                    out.u32(v.size());
                }
            }
            case BtfType.Float t -> head(t.name(), t, 0, false, t.size());
            case BtfType.DeclTag t -> {
                head(t.name(), t, 0, t.attribute(), t.type());
                out.u32(t.componentIndex());
            }
            case BtfType.TypeTag t -> head(t.name(), t, 0, t.attribute(), t.type());
        }
    }

    private void head(String name, BtfType type, int vlen, boolean flag, int sizeOrType) {
        check(vlen <= MAX_VLEN, type, vlen + " members, at most " + MAX_VLEN + " fit");
        out.u32(strings.applyAsInt(name));
        out.u32((flag ? 1 << 31 : 0) | type.kind().ordinal() << 24 | vlen);
        out.u32(sizeOrType);
    }

    private static void check(boolean ok, BtfType type, String message) {
        if (!ok) {
            throw new IllegalArgumentException(type.kind() + " '" + type.name() + "': " + message);
        }
    }

    /** A growing little-endian byte buffer. */
    static final class Output {
        private byte[] bytes = new byte[256];
        private int size;

        void u32(int v) {
            ensure(4);
            bytes[size] = (byte) v;
            bytes[size + 1] = (byte) (v >>> 8);
            bytes[size + 2] = (byte) (v >>> 16);
            bytes[size + 3] = (byte) (v >>> 24);
            size += 4;
        }

        void u16(int v) {
            ensure(2);
            bytes[size] = (byte) v;
            bytes[size + 1] = (byte) (v >>> 8);
            size += 2;
        }

        void u8(int v) {
            ensure(1);
            bytes[size++] = (byte) v;
        }

        void bytes(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, bytes, size, b.length);
            size += b.length;
        }

        void bytes(MemorySegment segment) {
            int n = Math.toIntExact(segment.byteSize());
            ensure(n);
            MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, 0, bytes, size, n);
            size += n;
        }

        int size() {
            return size;
        }

        byte[] toArray() {
            return Arrays.copyOf(bytes, size);
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
        }
    }
}
