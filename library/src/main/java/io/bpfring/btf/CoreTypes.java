package io.bpfring.btf;

import io.bpfring.BtfException;

import java.util.List;

/**
 * The three ways CO-RE compares a local type with a target type, as libbpf's
 * {@code relo_core.c} does: whether whole types are compatible (type-based relocations),
 * whether a member's types are (field-based ones), and whether types match (kind 12). Names
 * are compared up to their flavours. Chains are followed at most {@link #MAX_DEPTH} levels: a
 * deeper or cyclic chain is an error, never a loop.
 */
final class CoreTypes {
    /** libbpf's recursion limit for these walks. */
    static final int MAX_DEPTH = 32;

    private CoreTypes() {
    }

    /** The type's name, "" for anonymous types and for void (libbpf gives void no name). */
    static String name(Btf btf, int id) {
        return id == 0 ? "" : btf.name(id);
    }

    /** As libbpf logs types: "[12] struct task_struct", "[3] int int", "[7] struct <anon>", "[0] void". */
    static String describe(Btf btf, int id) {
        if (id == 0) {
            return "[0] void";
        }
        String name = name(btf, id);
        return "[" + id + "] " + btf.kind(id).name().toLowerCase() + " " + (name.isEmpty() ? "<anon>" : name);
    }

    /**
     * The number of members of struct or union {@code id}. Members are read one at a time, not
     * by decoding the type: a kernel struct has hundreds, and a relocation needs one.
     */
    static int memberCount(Btf btf, int id) {
        return btf.word(id, 4) & 0xffffff;
    }

    /** Member {@code i} of struct or union {@code id}, decoded alone. */
    static BtfType.Member member(Btf btf, int id, int i) {
        int offset = btf.word(id, 20 + 12 * i);
        boolean bitfields = btf.word(id, 4) < 0;
        return new BtfType.Member(btf.string(memberNameOffset(btf, id, i)), memberType(btf, id, i),
                bitfields ? offset & 0xffffff : offset, bitfields ? offset >>> 24 : 0);
    }

    static int memberNameOffset(Btf btf, int id, int i) {
        return btf.word(id, 12 + 12 * i);
    }

    static int memberType(Btf btf, int id, int i) {
        return btf.word(id, 16 + 12 * i);
    }

    /** The member's offset in bits, unsigned. */
    static long memberBitOffset(Btf btf, int id, int i) {
        int offset = btf.word(id, 20 + 12 * i);
        return btf.word(id, 4) < 0 ? offset & 0xffffff : offset & 0xffffffffL;
    }

    /** Same kind, or both enums of any width (libbpf's {@code btf_kind_core_compat}). */
    static boolean kindsCompatible(BtfKind a, BtfKind b) {
        return a == b || (isEnum(a) && isEnum(b));
    }

    static boolean isEnum(BtfKind kind) {
        return kind == BtfKind.ENUM || kind == BtfKind.ENUM64;
    }

    static boolean isComposite(BtfKind kind) {
        return kind == BtfKind.STRUCT || kind == BtfKind.UNION;
    }

    /**
     * Compatibility for type-based relocations ({@code bpf_core_types_are_compat}): kinds
     * agree; structs, unions, enums and forward declarations by kind alone; ints unless they are
     * old-style bitfields; pointers and arrays by what they hold; function prototypes by
     * arity, parameters and return type. Qualifiers and typedefs are looked through below the
     * root.
     */
    static boolean typesAreCompatible(Btf local, int localId, Btf target, int targetId) {
        return typesAreCompatible(local, localId, target, targetId, MAX_DEPTH);
    }

    private static boolean typesAreCompatible(Btf local, int localId, Btf target, int targetId, int level) {
        if (!kindsCompatible(local.kind(localId), target.kind(targetId))) {
            return false;
        }
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            localId = local.resolve(localId);
            targetId = target.resolve(targetId);
            BtfKind kind = local.kind(localId);
            if (!kindsCompatible(kind, target.kind(targetId))) {
                return false;
            }
            switch (kind) {
                case VOID, STRUCT, UNION, ENUM, FWD, ENUM64 -> {
                    return true;
                }
                case INT -> {
                    return intOffset(local, localId) == 0 && intOffset(target, targetId) == 0;
                }
                case PTR -> {
                    localId = local.target(localId);
                    targetId = target.target(targetId);
                }
                case ARRAY -> {
                    localId = ((BtfType.Array) local.type(localId)).type();
                    targetId = ((BtfType.Array) target.type(targetId)).type();
                }
                case FUNC_PROTO -> {
                    BtfType.FuncProto lp = (BtfType.FuncProto) local.type(localId);
                    BtfType.FuncProto tp = (BtfType.FuncProto) target.type(targetId);
                    if (lp.params().size() != tp.params().size()) {
                        return false;
                    }
                    for (int i = 0; i < lp.params().size(); i++) {
                        if (level <= 0) {
                            throw tooDeep(local, localId);
                        }
                        if (!typesAreCompatible(local, local.resolve(lp.params().get(i).type()), target,
                                target.resolve(tp.params().get(i).type()), level - 1)) {
                            return false;
                        }
                    }
                    localId = lp.returnType();
                    targetId = tp.returnType();
                }
                default -> {
                    return false;
                }
            }
        }
        throw tooDeep(local, localId);
    }

    /**
     * Compatibility of a local member's type with the target member of the same name
     * ({@code bpf_core_fields_are_compat}): any struct or union with any other; pointers and
     * floats by kind; enums and forward declarations when their names agree or one is
     * anonymous; ints of any size or sign unless old-style bitfields; arrays by element type.
     */
    static boolean fieldsAreCompatible(Btf local, int localId, Btf target, int targetId) {
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            localId = local.resolve(localId);
            targetId = target.resolve(targetId);
            BtfKind kind = local.kind(localId);
            BtfKind targetKind = target.kind(targetId);
            if (isComposite(kind) && isComposite(targetKind)) {
                return true;
            }
            if (!kindsCompatible(kind, targetKind)) {
                return false;
            }
            switch (kind) {
                case PTR, FLOAT -> {
                    return true;
                }
                case FWD, ENUM, ENUM64 -> {
                    String l = name(local, localId);
                    String t = name(target, targetId);
                    return CoreNames.essentialLength(l) == 0 || CoreNames.essentialLength(t) == 0
                            || CoreNames.sameEssential(l, t);
                }
                case INT -> {
                    return intOffset(local, localId) == 0 && intOffset(target, targetId) == 0;
                }
                case ARRAY -> {
                    localId = ((BtfType.Array) local.type(localId)).type();
                    targetId = ((BtfType.Array) target.type(targetId)).type();
                }
                default -> {
                    return false;
                }
            }
        }
        throw tooDeep(local, localId);
    }

    /**
     * Whether the types match ({@code bpf_core_types_match}, for {@code bpf_core_type_matches}):
     * stricter than compatibility. Names must agree at every level once typedefs are looked
     * through; kinds must be equal, except that enum matches enum64 and, behind a pointer, a
     * struct or union matches a forward declaration of the same flavour; ints by size and sign;
     * arrays by length and element; every local member must have a matching target member of
     * the same name; every local enumerator a target one of the same name, with equal sizes;
     * function prototypes by arity, parameters and return type.
     */
    static boolean typesMatch(Btf local, int localId, Btf target, int targetId) {
        return typesMatch(local, localId, target, targetId, false, MAX_DEPTH);
    }

    private static boolean typesMatch(Btf local, int localId, Btf target, int targetId, boolean behindPointer,
                                      int level) {
        if (level <= 0) {
            throw tooDeep(local, localId);
        }
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            localId = local.resolve(localId);
            targetId = target.resolve(targetId);
            if (!namesMatch(name(local, localId), name(target, targetId))) {
                return false;
            }
            BtfKind lk = local.kind(localId);
            BtfKind tk = target.kind(targetId);
            switch (lk) {
                case VOID -> {
                    return tk == BtfKind.VOID;
                }
                case FWD -> {
                    boolean localUnion = ((BtfType.Fwd) local.type(localId)).union();
                    if (tk == BtfKind.FWD) {
                        return localUnion == ((BtfType.Fwd) target.type(targetId)).union();
                    }
                    return behindPointer && (tk == (localUnion ? BtfKind.UNION : BtfKind.STRUCT));
                }
                case ENUM, ENUM64 -> {
                    return isEnum(tk) && enumsMatch((BtfType.Enumeration) local.type(localId),
                            (BtfType.Enumeration) target.type(targetId));
                }
                case STRUCT, UNION -> {
                    if (behindPointer) {
                        if (lk == tk) {
                            return true;
                        }
                        return tk == BtfKind.FWD
                                && ((BtfType.Fwd) target.type(targetId)).union() == (lk == BtfKind.UNION);
                    }
                    return lk == tk && compositesMatch(local, (BtfType.Composite) local.type(localId), target,
                            (BtfType.Composite) target.type(targetId), level);
                }
                case INT -> {
                    if (tk != BtfKind.INT) {
                        return false;
                    }
                    BtfType.Int l = (BtfType.Int) local.type(localId);
                    BtfType.Int t = (BtfType.Int) target.type(targetId);
                    return l.size() == t.size() && l.isSigned() == t.isSigned();
                }
                case PTR -> {
                    if (tk != BtfKind.PTR) {
                        return false;
                    }
                    behindPointer = true;
                    localId = local.target(localId);
                    targetId = target.target(targetId);
                }
                case ARRAY -> {
                    if (tk != BtfKind.ARRAY) {
                        return false;
                    }
                    BtfType.Array l = (BtfType.Array) local.type(localId);
                    BtfType.Array t = (BtfType.Array) target.type(targetId);
                    if (l.count() != t.count()) {
                        return false;
                    }
                    localId = l.type();
                    targetId = t.type();
                }
                case FUNC_PROTO -> {
                    if (tk != BtfKind.FUNC_PROTO) {
                        return false;
                    }
                    BtfType.FuncProto lp = (BtfType.FuncProto) local.type(localId);
                    BtfType.FuncProto tp = (BtfType.FuncProto) target.type(targetId);
                    if (lp.params().size() != tp.params().size()) {
                        return false;
                    }
                    for (int i = 0; i < lp.params().size(); i++) {
                        if (!typesMatch(local, lp.params().get(i).type(), target, tp.params().get(i).type(),
                                behindPointer, level - 1)) {
                            return false;
                        }
                    }
                    localId = lp.returnType();
                    targetId = tp.returnType();
                }
                default -> {
                    return false;
                }
            }
        }
        throw tooDeep(local, localId);
    }

    /** An anonymous target matches only an anonymous local; otherwise names agree up to flavours. */
    private static boolean namesMatch(String local, String target) {
        if (target.isEmpty()) {
            return local.isEmpty();
        }
        return CoreNames.sameEssential(local, target);
    }

    private static boolean enumsMatch(BtfType.Enumeration local, BtfType.Enumeration target) {
        if (local.size() != target.size() || local.values().size() > target.values().size()) {
            return false;
        }
        for (BtfType.EnumValue l : local.values()) {
            if (target.values().stream().noneMatch(t -> namesMatch(l.name(), t.name()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean compositesMatch(Btf local, BtfType.Composite l, Btf target, BtfType.Composite t,
                                           int level) {
        List<BtfType.Member> targetMembers = t.members();
        if (l.members().size() > targetMembers.size()) {
            return false;
        }
        for (BtfType.Member lm : l.members()) {
            boolean matched = false;
            for (BtfType.Member tm : targetMembers) {
                if (namesMatch(lm.name(), tm.name())
                        && typesMatch(local, lm.type(), target, tm.type(), false, level - 1)) {
                    matched = true;
                    break;
                }
            }
            if (!matched) {
                return false;
            }
        }
        return true;
    }

    /** The bit offset of an INT's value in its storage: non-zero only for old-style bitfield ints. */
    private static int intOffset(Btf btf, int id) {
        return ((BtfType.Int) btf.type(id)).bitOffset();
    }

    private static BtfException tooDeep(Btf btf, int id) {
        return new BtfException("type chain from " + describe(btf, id) + " is deeper than " + MAX_DEPTH
                + " levels (or a cycle)");
    }
}
