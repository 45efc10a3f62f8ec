package io.bpfring.btf;

import io.bpfring.BtfException;

/**
 * The values of one relocation: what the instruction holds now (from the local spec) and what
 * it must hold on the target (from the matched target spec), as libbpf's
 * {@code bpf_core_calc_relo} computes them. Little-endian only, as the BTF this package reads.
 */
final class CoreCalc {
    private CoreCalc() {
    }

    /**
     * @param local         the value the instruction should hold now
     * @param target        the value to write
     * @param poison        the target lacks what the instruction needs: it becomes a call to
     *                      helper {@link CorePatch#POISON_HELPER}
     * @param validate      whether the instruction must hold {@code local} (not for bitfield
     *                      offsets and sizes, where libbpf and clang may disagree, nor type ids)
     * @param either32      {@code local} is a 32-bit enumerator: the instruction may hold it
     *                      sign- or zero-extended (clang before 15 did not record an enum's sign)
     * @param localSize     for a byte offset: the size of the field (an array's element) the
     *                      instruction loads or stores now, else 0
     * @param targetSize    the same on the target; a memory access changes size with it
     * @param badSizeChange the size changes but the field is neither a pointer nor an unsigned
     *                      integer on both sides: a load or store of it is poisoned
     */
    record Result(long local, long target, boolean poison, boolean validate, boolean either32, int localSize,
                  int targetSize, boolean badSizeChange) {
    }

    /** One side's value; fieldSize and typeId only for byte offsets of non-bitfields. */
    private record Side(long value, int fieldSize, int typeId, boolean validate) {
    }

    /** The result for local spec {@code local} and the matched target spec {@code target} (null: none matched). */
    static Result compute(CoreSpec local, CoreSpec target) {
        CoreReloKind kind = local.kind;
        if (kind.isFieldBased()) {
            Side l = field(kind, local);
            Side t = target == null ? null : field(kind, target);
            if (kind == CoreReloKind.FIELD_EXISTS) {
                return new Result(1, target == null ? 0 : 1, false, true, false, 0, 0, false);
            }
            if (t == null) {
                return poison(l.value, l.validate);
            }
            boolean bad = false;
            if (l.fieldSize != t.fieldSize) {
                bad = !(sizeMayChange(local.btf, l.typeId, target.btf, t.typeId));
            }
            return new Result(l.value, t.value, false, l.validate, false, l.fieldSize, t.fieldSize, bad);
        }
        if (kind.isTypeBased()) {
            boolean validate = kind != CoreReloKind.TYPE_ID_TARGET;
            return new Result(type(kind, local), target == null ? 0 : type(kind, target), false, validate, false, 0, 0,
                    false);
        }
        boolean either32 = local.btf.kind(local.accessors.getFirst().typeId()) == BtfKind.ENUM;
        long l = enumValue(kind, local);
        if (target == null) {
            return kind == CoreReloKind.ENUMVAL_EXISTS ? new Result(1, 0, false, true, false, 0, 0, false)
                    : new Result(l, 0, true, true, either32, 0, 0, false);
        }
        return new Result(l, enumValue(kind, target), false, true, either32 && kind == CoreReloKind.ENUMVAL_VALUE, 0, 0,
                false);
    }

    private static Result poison(long local, boolean validate) {
        return new Result(local, 0, true, validate, false, 0, 0, false);
    }

    /**
     * Loads and stores may change size only for pointers (a 32-bit kernel's) and unsigned ints,
     * which zero-extension keeps intact; libbpf counts any encoding but exactly SIGNED as unsigned.
     */
    private static boolean sizeMayChange(Btf local, int localId, Btf target, int targetId) {
        BtfType l = local.type(localId);
        BtfType t = target.type(targetId);
        if (l instanceof BtfType.Pointer && t instanceof BtfType.Pointer) {
            return true;
        }
        return l instanceof BtfType.Int li && t instanceof BtfType.Int ti
                && li.encoding() != BtfType.Int.SIGNED && ti.encoding() != BtfType.Int.SIGNED;
    }

    /** {@code bpf_core_calc_field_relo} on one side. */
    private static Side field(CoreReloKind kind, CoreSpec spec) {
        if (kind == CoreReloKind.FIELD_EXISTS) {
            return new Side(1, 0, 0, true);
        }
        Btf btf = spec.btf;
        CoreSpec.Accessor acc = spec.accessors.getLast();
        if (acc.name() == null) {
            // The access ends at an array element (or the root).
            return switch (kind) {
                case FIELD_BYTE_OFFSET ->
                        new Side(spec.bitOffset / 8, elementSize(btf, acc.typeId()), acc.typeId(), true);
                case FIELD_BYTE_SIZE -> new Side(btf.sizeOf(acc.typeId()), 0, 0, true);
                default -> throw new BtfException("<" + kind.label() + "> cannot be applied to an array element");
            };
        }
        BtfType.Member m = CoreTypes.member(btf, acc.typeId(), acc.index());
        int fieldTypeId = btf.resolve(m.type());
        BtfType mt = btf.type(fieldTypeId);
        long bitOff = spec.bitOffset;
        long bitSize = m.bitfieldSize();
        boolean bitfield = bitSize > 0;
        long byteSize;
        long byteOff;
        if (bitfield) {
            byteSize = bitfieldStorage(btf, fieldTypeId, mt);
            byteOff = bitOff / 8 / byteSize * byteSize;
            // The smallest load that covers the bitfield, up to 8 bytes.
            while (bitOff + bitSize - byteOff * 8 > byteSize * 8) {
                if (byteSize >= 8) {
                    throw new BtfException("bitfield " + m.name() + " (" + bitSize + " bits at bit " + bitOff
                            + ") cannot be read with one 64-bit load");
                }
                byteSize *= 2;
                byteOff = bitOff / 8 / byteSize * byteSize;
            }
        } else {
            byteSize = btf.sizeOf(fieldTypeId);
            byteOff = bitOff / 8;
            bitSize = byteSize * 8;
        }
        return switch (kind) {
            case FIELD_BYTE_OFFSET -> bitfield ? new Side(byteOff, 0, 0, false)
                    : new Side(byteOff, elementSize(btf, fieldTypeId), fieldTypeId, true);
            case FIELD_BYTE_SIZE -> new Side(byteSize, 0, 0, !bitfield);
            case FIELD_SIGNED -> new Side(signed(mt) ? 1 : 0, 0, 0, true);
            // Little-endian: the bits above the field shift out to the left.
            case FIELD_LSHIFT_U64 -> new Side(64 - (bitOff + bitSize - byteOff * 8), 0, 0, !bitfield);
            case FIELD_RSHIFT_U64 -> new Side(64 - bitSize, 0, 0, true);
            default -> throw new IllegalStateException(kind.toString());
        };
    }

    /** A bitfield's declared storage: the size of its int or enum type, 1 to 8 bytes. */
    private static long bitfieldStorage(Btf btf, int id, BtfType type) {
        long size = switch (type) {
            case BtfType.Int i -> i.size();
            case BtfType.Enumeration e -> e.size() & 0xffffffffL;
            default -> throw new BtfException("bitfield of " + CoreTypes.describe(btf, id) + ", not an int or enum");
        };
        if (size < 1 || size > 8) {
            throw new BtfException("bitfield of " + CoreTypes.describe(btf, id) + " of " + size + " bytes");
        }
        return size;
    }

    /** What a load of the field reads: an array's element size, through nested arrays. */
    private static int elementSize(Btf btf, int id) {
        int elem = btf.resolve(id);
        for (int depth = 0; btf.type(elem) instanceof BtfType.Array a; depth++) {
            if (depth > CoreTypes.MAX_DEPTH) {
                throw new BtfException("arrays nested deeper than " + CoreTypes.MAX_DEPTH + " in "
                        + CoreTypes.describe(btf, id));
            }
            elem = btf.resolve(a.type());
        }
        return (int) btf.sizeOf(elem);
    }

    private static boolean signed(BtfType t) {
        return switch (t) {
            case BtfType.Enumeration e -> e.signed();
            case BtfType.Int i -> i.isSigned();
            default -> false;
        };
    }

    /** {@code bpf_core_calc_type_relo} on one side. */
    private static long type(CoreReloKind kind, CoreSpec spec) {
        return switch (kind) {
            case TYPE_ID_LOCAL, TYPE_ID_TARGET -> spec.rootId;
            case TYPE_EXISTS, TYPE_MATCHES -> 1;
            case TYPE_SIZE -> spec.btf.sizeOf(spec.rootId);
            default -> throw new IllegalStateException(kind.toString());
        };
    }

    /**
     * {@code bpf_core_calc_enumval_relo} on one side. A 32-bit enumerator's value is sign- or
     * zero-extended by the enum's signedness; libbpf always sign-extends and so rejects its own
     * clang's output for unsigned values from 2^31 up.
     */
    private static long enumValue(CoreReloKind kind, CoreSpec spec) {
        if (kind == CoreReloKind.ENUMVAL_EXISTS) {
            return 1;
        }
        CoreSpec.Accessor acc = spec.accessors.getFirst();
        return ((BtfType.Enumeration) spec.btf.type(acc.typeId())).values().get(acc.index()).value();
    }
}
