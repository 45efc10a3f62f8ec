package io.bpfring.dwarf;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfType;
import io.bpfring.btf.BtfWriter;
import io.bpfring.elf.ElfFile;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The types of an object's DWARF as BTF, so that the same lookups, sizes and C rendering serve
 * both: every type entry of every unit becomes a BTF type (an array of n dimensions n ARRAY
 * types), as clang would have written it to {@code .BTF}. Functions and variables are left out.
 *
 * <p>Type id 1 is {@code __ARRAY_SIZE_TYPE__}, the index type of every array, as in clang's BTF.
 * {@code _Atomic} and {@code DW_TAG_unspecified_type} have no BTF kind: the first stands for its
 * type, the second for void.
 */
public final class DwarfTypes {
    private static final int ARRAY_INDEX = 1;
    private static final int MAX_BITFIELD_OFFSET = 0xffffff;

    private final DebugInfo dwarf;
    /** BTF id of each type entry (of the outermost dimension, for arrays). */
    private final Map<Die, Integer> ids = new HashMap<>();
    /** Type entries in id order; an array's inner dimensions follow it. */
    private final List<Die> types = new ArrayList<>();

    private DwarfTypes(DebugInfo dwarf) {
        this.dwarf = dwarf;
    }

    /** The types of the object's DWARF; a table with only {@code __ARRAY_SIZE_TYPE__} if it has none. */
    public static Btf read(ElfFile elf) {
        DwarfTypes t = new DwarfTypes(DebugInfo.read(elf));
        t.number();
        return Btf.parse(t.write());
    }

    /** Gives every type entry its id, walking each unit's tree in order. */
    private void number() {
        int next = ARRAY_INDEX + 1;
        Deque<Die> pending = new ArrayDeque<>();
        for (Die root : dwarf.roots()) {
            pending.push(root);
            while (!pending.isEmpty()) {
                Die die = pending.pop();
                if (isType(die.tag)) {
                    ids.put(die, next);
                    int dimensions = die.tag == Dwarf.TAG_ARRAY_TYPE ? Math.max(1, subranges(die).size()) : 1;
                    for (int i = 0; i < dimensions; i++) {
                        types.add(die);
                    }
                    next += dimensions;
                }
                for (int i = die.children.size() - 1; i >= 0; i--) {
                    pending.push(die.children.get(i));
                }
            }
        }
    }

    private static boolean isType(int tag) {
        return switch (tag) {
            case Dwarf.TAG_BASE_TYPE, Dwarf.TAG_POINTER_TYPE, Dwarf.TAG_REFERENCE_TYPE, Dwarf.TAG_STRUCTURE_TYPE,
                 Dwarf.TAG_CLASS_TYPE, Dwarf.TAG_UNION_TYPE, Dwarf.TAG_ENUMERATION_TYPE, Dwarf.TAG_TYPEDEF,
                 Dwarf.TAG_ARRAY_TYPE, Dwarf.TAG_CONST_TYPE, Dwarf.TAG_VOLATILE_TYPE, Dwarf.TAG_RESTRICT_TYPE,
                 Dwarf.TAG_SUBROUTINE_TYPE -> true;
            default -> false;
        };
    }

    private byte[] write() {
        BtfWriter w = BtfWriter.empty();
        w.add(new BtfType.Int("__ARRAY_SIZE_TYPE__", 4, 0, 0, 32));
        for (int i = 0; i < types.size(); ) {
            Die die = types.get(i);
            if (die.tag == Dwarf.TAG_ARRAY_TYPE) {
                List<Die> dims = subranges(die);
                int element = ref(die, die.type());
                int first = ids.get(die);
                for (int d = 0; d < Math.max(1, dims.size()); d++) {
                    int inner = d + 1 < dims.size() ? first + d + 1 : element;
                    w.add(new BtfType.Array(inner, ARRAY_INDEX, dims.isEmpty() ? 0 : count(dims.get(d))));
                }
                i += Math.max(1, dims.size());
            } else {
                w.add(type(die));
                i++;
            }
        }
        return w.toBytes();
    }

    private BtfType type(Die die) {
        String name = die.name();
        return switch (die.tag) {
            case Dwarf.TAG_BASE_TYPE -> base(die, name);
            case Dwarf.TAG_POINTER_TYPE, Dwarf.TAG_REFERENCE_TYPE -> new BtfType.Pointer(ref(die, die.type()));
            case Dwarf.TAG_TYPEDEF -> new BtfType.Typedef(name, ref(die, die.type()));
            case Dwarf.TAG_CONST_TYPE -> new BtfType.Const(ref(die, die.type()));
            case Dwarf.TAG_VOLATILE_TYPE -> new BtfType.Volatile(ref(die, die.type()));
            case Dwarf.TAG_RESTRICT_TYPE -> new BtfType.Restrict(ref(die, die.type()));
            case Dwarf.TAG_STRUCTURE_TYPE, Dwarf.TAG_CLASS_TYPE, Dwarf.TAG_UNION_TYPE -> composite(die, name);
            case Dwarf.TAG_ENUMERATION_TYPE -> enumeration(die, name);
            case Dwarf.TAG_SUBROUTINE_TYPE -> function(die);
            default -> throw new IllegalStateException(die + " is not a type");
        };
    }

    private static BtfType base(Die die, String name) {
        int size = size(die);
        int encoding = (int) die.number(Dwarf.AT_ENCODING, 0);
        if (encoding == Dwarf.ATE_FLOAT) {
            return new BtfType.Float(name, size);
        }
        if (size > 16) {
            throw new DwarfException(die + ": base type '" + name + "' of " + size + " bytes, BTF integers have at most 16");
        }
        int btfEncoding = switch (encoding) {
            case Dwarf.ATE_SIGNED, Dwarf.ATE_SIGNED_CHAR -> BtfType.Int.SIGNED;
            case Dwarf.ATE_BOOLEAN -> BtfType.Int.BOOL;
            default -> 0;
        };
        return new BtfType.Int(name, size, btfEncoding, 0, size * 8);
    }

    private BtfType composite(Die die, String name) {
        boolean union = die.tag == Dwarf.TAG_UNION_TYPE;
        if (die.has(Dwarf.AT_DECLARATION)) {
            return new BtfType.Fwd(name, union);
        }
        List<BtfType.Member> members = new ArrayList<>();
        boolean bitfields = false;
        for (Die m : die.children) {
            if (m.tag != Dwarf.TAG_MEMBER) {
                continue;
            }
            long bitSize = m.number(Dwarf.AT_BIT_SIZE, 0);
            long offset = bitOffset(m, bitSize);
            if (bitSize < 0 || bitSize > 0xff || offset < 0 || offset > 0xffffffffL
                    || (bitSize > 0 && offset > MAX_BITFIELD_OFFSET)) {
                throw new DwarfException(m + ": member '" + m.name() + "' at bit " + offset + ", " + bitSize
                        + " bits: out of range for BTF");
            }
            bitfields |= bitSize > 0;
            members.add(new BtfType.Member(m.name(), ref(m, m.type()), (int) offset, (int) bitSize));
        }
        if (bitfields) {
            for (BtfType.Member m : members) {
                if (Integer.toUnsignedLong(m.bitOffset()) > MAX_BITFIELD_OFFSET) {
                    throw new DwarfException(die + ": member '" + m.name() + "' at bit "
                            + Integer.toUnsignedString(m.bitOffset()) + ", too far for a struct with bitfields");
                }
            }
        }
        int size = size(die);
        return union ? new BtfType.Union(name, size, members, bitfields)
                : new BtfType.Struct(name, size, members, bitfields);
    }

    /**
     * A member's offset in bits from the start of its struct: {@code DW_AT_data_bit_offset}
     * (DWARF 4+), or the byte offset of {@code DW_AT_data_member_location} plus, for a DWARF 2/3
     * bitfield, {@code DW_AT_bit_offset}, which counts from the storage unit's most significant
     * bit (little-endian here).
     */
    private long bitOffset(Die member, long bitSize) {
        long dataBitOffset = member.number(Dwarf.AT_DATA_BIT_OFFSET, -1);
        if (dataBitOffset >= 0) {
            return dataBitOffset;
        }
        long bits = location(member) * 8;
        if (bitSize > 0 && member.has(Dwarf.AT_BIT_OFFSET)) {
            long storage = member.has(Dwarf.AT_BYTE_SIZE) ? member.number(Dwarf.AT_BYTE_SIZE, 0)
                    : storageSize(member);
            bits += storage * 8 - member.number(Dwarf.AT_BIT_OFFSET, 0) - bitSize;
        }
        return bits;
    }

    /** The size of a member's type, through typedefs and qualifiers, which have none of their own. */
    private long storageSize(Die member) {
        Die at = member;
        for (int steps = 0; at.type() != null && steps <= ids.size(); steps++) {
            at = dwarf.at(at, at.type());
            if (at.has(Dwarf.AT_BYTE_SIZE)) {
                return size(at);
            }
        }
        throw new DwarfException(member + ": member '" + member.name() + "' is a bitfield of a type without a size");
    }

    /** {@code DW_AT_data_member_location}: a constant, or an expression {@code DW_OP_plus_uconst n}. */
    private static long location(Die member) {
        Object value = member.value(Dwarf.AT_DATA_MEMBER_LOCATION);
        if (value == null) {
            return 0; // a union member
        }
        if (value instanceof Long n) {
            return n;
        }
        if (value instanceof byte[] expr && expr.length > 0
                && ((expr[0] & 0xff) == Dwarf.OP_PLUS_UCONST || (expr[0] & 0xff) == Dwarf.OP_CONSTU)) {
            long v = 0;
            for (int i = 1, shift = 0; i < expr.length && shift < 64; i++, shift += 7) {
                v |= (long) (expr[i] & 0x7f) << shift;
                if ((expr[i] & 0x80) == 0) {
                    return v;
                }
            }
        }
        throw new DwarfException(member + ": member '" + member.name() + "' has a location this reader does not"
                + " evaluate");
    }

    private BtfType enumeration(Die die, String name) {
        int size = die.has(Dwarf.AT_BYTE_SIZE) ? size(die) : 4;
        boolean signed = false;
        if (die.type() != null) {
            Die underlying = dwarf.at(die, die.type());
            long encoding = underlying.number(Dwarf.AT_ENCODING, 0);
            signed = encoding == Dwarf.ATE_SIGNED || encoding == Dwarf.ATE_SIGNED_CHAR;
        }
        List<BtfType.EnumValue> values = new ArrayList<>();
        for (Die e : die.children) {
            if (e.tag == Dwarf.TAG_ENUMERATOR) {
                long value = e.number(Dwarf.AT_CONST_VALUE, 0);
                signed |= value < 0 && size <= 4;
                values.add(new BtfType.EnumValue(e.name(), size <= 4 && !signed ? value & 0xffffffffL : value));
            }
        }
        return size > 4 ? new BtfType.Enum64(name, size, signed, values) : new BtfType.Enum(name, size, signed, values);
    }

    private BtfType function(Die die) {
        List<BtfType.Param> params = new ArrayList<>();
        for (Die p : die.children) {
            if (p.tag == Dwarf.TAG_FORMAL_PARAMETER) {
                params.add(new BtfType.Param(p.name(), ref(p, p.type())));
            } else if (p.tag == Dwarf.TAG_UNSPECIFIED_PARAMETERS) {
                params.add(new BtfType.Param("", 0));
            }
        }
        return new BtfType.FuncProto(ref(die, die.type()), params);
    }

    private static List<Die> subranges(Die array) {
        return array.children.stream().filter(c -> c.tag == Dwarf.TAG_SUBRANGE_TYPE).toList();
    }

    /** Elements of one dimension: {@code DW_AT_count}, or the bounds; 0 when not constant (flexible, VLA). */
    private static int count(Die subrange) {
        long count;
        if (subrange.value(Dwarf.AT_COUNT) instanceof Long n) {
            count = n;
        } else if (subrange.value(Dwarf.AT_UPPER_BOUND) instanceof Long upper) {
            count = upper - subrange.number(Dwarf.AT_LOWER_BOUND, 0) + 1;
        } else {
            return 0;
        }
        if (count < 0 || count > 0xffffffffL) {
            throw new DwarfException(subrange + ": array dimension of " + count + " elements");
        }
        return (int) count;
    }

    private static int size(Die die) {
        long size = die.number(Dwarf.AT_BYTE_SIZE, 0);
        if (size < 0 || size > 0xffffffffL) {
            throw new DwarfException(die + ": size " + Long.toUnsignedString(size) + " does not fit in BTF's 32 bits");
        }
        return (int) size;
    }

    /**
     * The BTF id of the type a reference names (0 for none): through {@code _Atomic}, which has
     * no BTF kind, to what it qualifies, and {@code DW_TAG_unspecified_type} as void.
     */
    private int ref(Die from, Die.Ref ref) {
        Die at = from;
        for (int steps = 0; ref != null; steps++) {
            Die target = dwarf.at(at, ref);
            Integer id = ids.get(target);
            if (id != null) {
                return id;
            }
            if (target.tag == Dwarf.TAG_UNSPECIFIED_TYPE) {
                return 0;
            }
            if (target.tag != Dwarf.TAG_ATOMIC_TYPE) {
                throw new DwarfException(from + ": refers to " + target + ", which is not a type");
            }
            if (steps > ids.size()) {
                throw new DwarfException(from + ": the chain of _Atomic types it refers to is a cycle");
            }
            at = target;
            ref = target.type();
        }
        return 0;
    }
}
