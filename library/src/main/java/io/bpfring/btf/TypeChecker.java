package io.bpfring.btf;

import io.bpfring.BtfException;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static io.bpfring.btf.Btf.TYPE_SIZE;
import static io.bpfring.btf.Btf.U32;

/**
 * The checks that let every later lookup trust the data: each type's kind and size inside the
 * type section, every type id and string offset a type names, linkages in range, a FUNC's type a
 * FUNC_PROTO (libbpf's {@code btf_parse_type_sec} and {@code btf_sanity_check}). Cycles are
 * found where chains are followed, not here.
 */
final class TypeChecker {
    private final Btf btf;
    private final MemorySegment types;
    private final long strings;

    TypeChecker(Btf btf) {
        this.btf = btf;
        this.types = btf.types();
        this.strings = btf.firstString() + btf.strings().byteSize();
    }

    /** Walks the type section: the offset of each type, in id order. */
    static int[] offsets(MemorySegment types, int firstId) {
        long length = types.byteSize();
        int[] offsets = new int[(int) (length / TYPE_SIZE)];
        int n = 0;
        for (long at = 0; at < length; ) {
            long id = (long) firstId + n;
            if (length - at < TYPE_SIZE) {
                throw new BtfException("type id " + id + " at offset " + at + " of the type section: truncated, "
                        + (length - at) + " bytes left and a type takes at least " + TYPE_SIZE);
            }
            int info = types.get(U32, at + 4);
            BtfKind kind = BtfKind.of((info >>> 24) & 0x7f);
            if (kind == null || kind == BtfKind.VOID) {
                throw new BtfException("type id " + id + " at offset " + at + " of the type section: unknown kind "
                        + ((info >>> 24) & 0x7f));
            }
            long size = TYPE_SIZE + extra(kind, info & 0xffffff);
            if (size > length - at) {
                throw new BtfException("type id " + id + " (" + kind + ") at offset " + at + " of the type section: "
                        + size + " bytes, past the end of the section (" + length + " bytes)");
            }
            offsets[n++] = (int) at;
            at += size;
        }
        return Arrays.copyOf(offsets, n);
    }

    /** The bytes that follow {@code struct btf_type} for a type of this kind and vlen. */
    static long extra(BtfKind kind, int vlen) {
        return switch (kind) {
            case INT, VAR, DECL_TAG -> 4;
            case ARRAY -> 12;
            case STRUCT, UNION, DATASEC, ENUM64 -> 12L * vlen;
            case ENUM, FUNC_PROTO -> 8L * vlen;
            default -> 0;
        };
    }

    void check() {
        for (int id = btf.firstId(); id < btf.typeCount(); id++) {
            check(id, btf.offset(id));
        }
    }

    private void check(int id, int at) {
        int info = types.get(U32, at + 4);
        BtfKind kind = BtfKind.of((info >>> 24) & 0x7f);
        int vlen = info & 0xffffff;
        string(id, at, at, "its name", -1);
        switch (kind) {
            case PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, TYPE_TAG, DECL_TAG -> ref(id, at, at + 8, "its type", -1);
            case VAR -> {
                ref(id, at, at + 8, "its type", -1);
                linkage(id, at, types.get(U32, at + 12));
            }
            case FUNC -> {
                int proto = ref(id, at, at + 8, "its type", -1);
                if (btf.kind(proto) != BtfKind.FUNC_PROTO) {
                    throw error(id, at, "its type id " + proto + " is a " + btf.kind(proto) + ", not a FUNC_PROTO");
                }
                linkage(id, at, vlen);
            }
            case ARRAY -> {
                ref(id, at, at + 12, "its element type", -1);
                ref(id, at, at + 16, "its index type", -1);
            }
            case STRUCT, UNION -> {
                for (int i = 0; i < vlen; i++) {
                    string(id, at, at + 12 + 12 * i, "the name of member ", i);
                    ref(id, at, at + 16 + 12 * i, "the type of member ", i);
                }
            }
            case ENUM -> {
                for (int i = 0; i < vlen; i++) {
                    string(id, at, at + 12 + 8 * i, "the name of value ", i);
                }
            }
            case ENUM64 -> {
                for (int i = 0; i < vlen; i++) {
                    string(id, at, at + 12 + 12 * i, "the name of value ", i);
                }
            }
            case FUNC_PROTO -> {
                ref(id, at, at + 8, "its return type", -1);
                for (int i = 0; i < vlen; i++) {
                    string(id, at, at + 12 + 8 * i, "the name of parameter ", i);
                    ref(id, at, at + 16 + 8 * i, "the type of parameter ", i);
                }
            }
            case DATASEC -> {
                for (int i = 0; i < vlen; i++) {
                    ref(id, at, at + 12 + 12 * i, "the type of variable ", i);
                }
            }
            default -> {
                // INT, FWD, FLOAT: nothing but the name refers elsewhere.
            }
        }
    }

    /** Checks the type id at {@code field}; {@code what} and {@code index} name it in a message. */
    private int ref(int id, int at, long field, String what, int index) {
        int ref = types.get(U32, field);
        if (Integer.compareUnsigned(ref, btf.typeCount()) >= 0) {
            throw error(id, at, label(what, index) + " is type id " + Integer.toUnsignedString(ref) + ", past the last type id "
                    + (btf.typeCount() - 1));
        }
        return ref;
    }

    private void string(int id, int at, long field, String what, int index) {
        long offset = types.get(U32, field) & 0xffffffffL;
        if (offset >= strings) {
            throw error(id, at, label(what, index) + " is at string offset " + offset + ", past the end of the string section ("
                    + strings + ")");
        }
    }

    /** Messages are built only on failure: a vmlinux has a million fields to check. */
    private static String label(String what, int index) {
        return index < 0 ? what : what + index;
    }

    private void linkage(int id, int at, int linkage) {
        if (Integer.compareUnsigned(linkage, BtfType.Linkage.values().length) >= 0) {
            throw error(id, at, "unknown linkage " + Integer.toUnsignedString(linkage));
        }
    }

    private BtfException error(int id, int at, String message) {
        int kind = (types.get(U32, at + 4) >>> 24) & 0x7f;
        return new BtfException("type id " + id + " (" + BtfKind.of(kind) + ") at offset " + at
                + " of the type section: " + message);
    }
}
