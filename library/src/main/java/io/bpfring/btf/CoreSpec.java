package io.bpfring.btf;

import io.bpfring.BtfException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A CO-RE access through one BTF (libbpf's {@code bpf_core_spec}): the raw access string as
 * indexes ("0:1:2"), the accessors that matter (named members and array indexes, anonymous
 * members left out) and the bit offset they reach. {@link #parse} builds the local spec from a
 * relocation; {@link #match} finds the same access in a candidate target type, member names
 * standing for the indexes.
 */
final class CoreSpec {
    /** libbpf's {@code BPF_CORE_SPEC_MAX_LEN}: the deepest access string and member search. */
    static final int MAX_LEN = 64;
    private static final byte[] NO_NAME = new byte[0];

    /**
     * Named member {@code index} of struct or union {@code typeId}, or (name null) element
     * {@code index} of an array of {@code typeId}, or the root's index.
     */
    record Accessor(int typeId, int index, String name) {
    }

    final Btf btf;
    /** The type the access starts from, as the relocation or candidate names it (typedefs not resolved). */
    final int rootId;
    final CoreReloKind kind;
    final List<Accessor> accessors = new ArrayList<>();
    private final int[] raw = new int[MAX_LEN];
    private int rawLength;
    long bitOffset;

    private CoreSpec(Btf btf, int rootId, CoreReloKind kind) {
        this.btf = btf;
        this.rootId = rootId;
        this.kind = kind;
    }

    /** The local spec of a relocation ({@code bpf_core_parse_spec}). */
    static CoreSpec parse(Btf btf, int typeId, String access, CoreReloKind kind) {
        if (access.isEmpty() || access.charAt(0) == ':') {
            throw new BtfException("access string '" + access + "' is empty or starts with ':'");
        }
        CoreSpec spec = new CoreSpec(btf, typeId, kind);
        if (kind.isTypeBased()) {
            if (!access.equals("0")) {
                throw new BtfException("access string '" + access + "' of a type relocation is not \"0\"");
            }
            return spec;
        }
        for (String part : access.split(":", -1)) {
            spec.push(index(part, access));
        }
        int id = btf.resolve(typeId);
        int first = spec.raw[0];
        spec.accessors.add(new Accessor(id, first, null));
        if (kind.isEnumValueBased()) {
            if (!(btf.type(id) instanceof BtfType.Enumeration e)) {
                throw new BtfException("enum value relocation on " + CoreTypes.describe(btf, id) + ", not an enum");
            }
            if (spec.rawLength > 1 || first >= e.values().size()) {
                throw new BtfException("access string '" + access + "' is not one index below the "
                        + e.values().size() + " enumerators of " + CoreTypes.describe(btf, id));
            }
            spec.accessors.set(0, new Accessor(id, first, e.values().get(first).name()));
            return spec;
        }
        spec.bitOffset = bits(first, btf.sizeOf(id));
        for (int i = 1; i < spec.rawLength; i++) {
            id = btf.resolve(id);
            int index = spec.raw[i];
            BtfKind container = btf.kind(id);
            if (CoreTypes.isComposite(container)) {
                int count = CoreTypes.memberCount(btf, id);
                if (index >= count) {
                    throw new BtfException("access string '" + access + "' index " + i + " (" + index
                            + ") is past the " + count + " members of " + CoreTypes.describe(btf, id));
                }
                spec.bitOffset += CoreTypes.memberBitOffset(btf, id, index);
                BtfType.Member m = CoreTypes.member(btf, id, index);
                if (m.name().isEmpty() && CoreTypes.memberNameOffset(btf, id, index) != 0) {
                    throw new BtfException("member " + index + " of " + CoreTypes.describe(btf, id)
                            + " has a name that is empty");
                }
                if (!m.name().isEmpty()) {
                    spec.accessors.add(new Accessor(id, index, m.name()));
                }
                id = m.type();
            } else if (container == BtfKind.ARRAY) {
                BtfType.Array a = (BtfType.Array) btf.type(id);
                id = btf.resolve(a.type());
                if (!spec.isFlexible(spec.accessors.getLast(), a) && Integer.compareUnsigned(index, a.count()) >= 0) {
                    throw new BtfException("access string '" + access + "' index " + i + " (" + index
                            + ") is past the " + Integer.toUnsignedString(a.count()) + " elements of the array");
                }
                spec.accessors.add(new Accessor(id, index, null));
                spec.bitOffset += bits(index, btf.sizeOf(id));
            } else {
                throw new BtfException("access string '" + access + "' index " + i + " goes into "
                        + CoreTypes.describe(btf, id) + ", which has no members or elements");
            }
        }
        return spec;
    }

    private static int index(String part, String access) {
        // clang writes decimal indexes only; anything else is damage.
        boolean digits = !part.isEmpty() && part.length() <= 10;
        for (int i = 0; digits && i < part.length(); i++) {
            digits = part.charAt(i) >= '0' && part.charAt(i) <= '9';
        }
        if (!digits) {
            throw new BtfException("access string '" + access + "' is not indexes separated by ':'");
        }
        long value = Long.parseLong(part);
        if (value > Integer.MAX_VALUE) {
            throw new BtfException("access string '" + access + "' has an index out of range: " + part);
        }
        return (int) value;
    }

    /**
     * The same access in candidate {@code targetId} of {@code target} ({@code bpf_core_spec_match}),
     * or null when the candidate does not have it.
     */
    static CoreSpec match(CoreSpec local, Btf target, int targetId) {
        CoreSpec spec = new CoreSpec(target, targetId, local.kind);
        if (local.kind.isTypeBased()) {
            boolean ok = local.kind == CoreReloKind.TYPE_MATCHES
                    ? CoreTypes.typesMatch(local.btf, local.rootId, target, targetId)
                    : CoreTypes.typesAreCompatible(local.btf, local.rootId, target, targetId);
            return ok ? spec : null;
        }
        if (local.kind.isEnumValueBased()) {
            int id = target.resolve(targetId);
            if (!(target.type(id) instanceof BtfType.Enumeration e)) {
                return null;
            }
            String name = local.accessors.getFirst().name();
            for (int i = 0; i < e.values().size(); i++) {
                if (CoreNames.sameEssential(name, e.values().get(i).name())) {
                    spec.accessors.add(new Accessor(id, i, e.values().get(i).name()));
                    spec.push(i);
                    return spec;
                }
            }
            return null;
        }
        int id = targetId;
        for (int i = 0; i < local.accessors.size(); i++) {
            Accessor acc = local.accessors.get(i);
            id = target.resolve(id);
            if (acc.name() != null) {
                int next = spec.matchMember(local.btf, acc, id);
                if (next < 0) {
                    return null;
                }
                id = next;
                continue;
            }
            if (i > 0) {
                if (!(target.type(id) instanceof BtfType.Array a)) {
                    return null;
                }
                boolean inside = Integer.compareUnsigned(acc.index(), a.count()) < 0;
                if (!inside && !spec.isFlexible(spec.accessors.getLast(), a)) {
                    return null;
                }
                id = target.resolve(a.type());
            }
            spec.accessors.add(new Accessor(id, acc.index(), null));
            spec.push(acc.index());
            spec.bitOffset += bits(acc.index(), target.sizeOf(id));
        }
        return spec;
    }

    /**
     * Finds local accessor {@code acc}'s member by name in composite {@code targetId}, searching
     * anonymous members too (their indexes go into the raw spec); on success the accessor is
     * added and the member's type id returned, else -1 ({@code bpf_core_match_member}).
     */
    private int matchMember(Btf local, Accessor acc, int targetId) {
        targetId = btf.resolve(targetId);
        if (!CoreTypes.isComposite(btf.kind(targetId))) {
            return -1;
        }
        BtfType.Member localMember = CoreTypes.member(local, acc.typeId(), acc.index());
        byte[] name = localMember.name().getBytes(StandardCharsets.UTF_8);
        int count = CoreTypes.memberCount(btf, targetId);
        for (int i = 0; i < count; i++) {
            int nameOffset = CoreTypes.memberNameOffset(btf, targetId, i);
            int type = CoreTypes.memberType(btf, targetId, i);
            long bits = CoreTypes.memberBitOffset(btf, targetId, i);
            push(i);
            bitOffset += bits;
            if (btf.nameEquals(nameOffset, NO_NAME)) {
                int found = matchMember(local, acc, type);
                if (found >= 0) {
                    return found;
                }
            } else if (btf.nameEquals(nameOffset, name)) {
                if (!CoreTypes.fieldsAreCompatible(local, localMember.type(), btf, type)) {
                    bitOffset -= bits;
                    rawLength--;
                    return -1;
                }
                accessors.add(new Accessor(targetId, i, localMember.name()));
                return type;
            }
            bitOffset -= bits;
            rawLength--;
        }
        return -1;
    }

    /** An array of no elements as the last member of its struct: any index is allowed. */
    private boolean isFlexible(Accessor enclosing, BtfType.Array array) {
        if (enclosing.name() == null || array.count() != 0) {
            return false;
        }
        return CoreTypes.isComposite(btf.kind(enclosing.typeId()))
                && enclosing.index() == CoreTypes.memberCount(btf, enclosing.typeId()) - 1;
    }

    /** The bits {@code index} elements of {@code size} bytes take; more than 2^32 bytes is damage. */
    private static long bits(int index, long size) {
        long bytes = (index & 0xffffffffL) * size;
        if (bytes > 0xffffffffL) {
            throw new BtfException("index " + Integer.toUnsignedString(index) + " of elements of " + size
                    + " bytes is more than 4 GiB");
        }
        return bytes * 8;
    }

    private void push(int index) {
        if (rawLength == MAX_LEN) {
            throw new BtfException("access deeper than " + MAX_LEN + " levels");
        }
        raw[rawLength++] = index;
    }

    /** The raw indexes, "0:0:75" (in a target, anonymous members' indexes included). */
    String rawString() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < rawLength; i++) {
            s.append(i == 0 ? "" : ":").append(raw[i]);
        }
        return s.toString();
    }

    /**
     * As libbpf logs a spec: {@code [12] struct task_struct.real_parent (0:95 @ offset 1280)},
     * {@code [316] enum pid_type::PIDTYPE_PGID = 2}, {@code [12] struct task_struct}.
     */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(CoreTypes.describe(btf, rootId));
        if (kind.isTypeBased() || accessors.isEmpty()) {
            return s.toString();
        }
        if (kind.isEnumValueBased()) {
            Accessor a = accessors.getFirst();
            long value = ((BtfType.Enumeration) btf.type(a.typeId())).values().get(a.index()).value();
            return s.append("::").append(a.name()).append(" = ").append(value).toString();
        }
        for (int i = 0; i < accessors.size(); i++) {
            Accessor a = accessors.get(i);
            if (a.name() != null) {
                s.append('.').append(a.name());
            } else if (i > 0 || a.index() > 0) {
                s.append('[').append(Integer.toUnsignedString(a.index())).append(']');
            }
        }
        s.append(" (").append(rawString()).append(" @ offset ").append(bitOffset / 8);
        if (bitOffset % 8 != 0) {
            s.append('.').append(bitOffset % 8);
        }
        return s.append(')').toString();
    }
}
