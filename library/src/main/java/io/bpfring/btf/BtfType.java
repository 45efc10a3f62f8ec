package io.bpfring.btf;

import java.util.List;
import java.util.Optional;

/**
 * One BTF type, decoded. References to other types are type ids into the same {@link Btf}
 * (id 0 is void). Names are "" for anonymous types and for kinds that have none.
 *
 * <p>The records keep everything well-formed BTF (what the kernel accepts) says, the kind flag
 * included: encoding one with {@link BtfWriter} gives back the bytes it was read from.
 */
public sealed interface BtfType {
    BtfKind kind();

    String name();

    /** A type that refers to exactly one other type: pointers, typedefs, qualifiers, ... */
    sealed interface Ref extends BtfType {
        int type();
    }

    /** CONST, VOLATILE, RESTRICT or TYPE_TAG. */
    sealed interface Qualifier extends Ref {
    }

    /** STRUCT or UNION. */
    sealed interface Composite extends BtfType {
        int size();

        List<Member> members();

        /**
         * The kind flag: member offsets carry bitfield sizes in their top 8 bits. Clear, every
         * member's offset is a plain bit offset and a bitfield's size comes from its INT type.
         */
        boolean bitfieldOffsets();

        /** The first member named {@code name}; anonymous members are not searched into. */
        default Optional<Member> member(String name) {
            return members().stream().filter(m -> m.name().equals(name)).findFirst();
        }
    }

    /** ENUM or ENUM64. */
    sealed interface Enumeration extends BtfType {
        int size();

        boolean signed();

        List<EnumValue> values();
    }

    /** How far a function or variable is visible: {@code btf_func_linkage}, and VAR's linkage. */
    enum Linkage {
        STATIC,
        /** For a VAR: global and allocated in its section. */
        GLOBAL,
        EXTERN
    }

    /** Type id 0. */
    record Void() implements BtfType {
        public static final Void INSTANCE = new Void();

        public BtfKind kind() {
            return BtfKind.VOID;
        }

        public String name() {
            return "void";
        }
    }

    /**
     * An integer of {@code size} bytes whose value takes {@code bits} bits starting at bit
     * {@code bitOffset}; {@code encoding} is a set of {@link #SIGNED}, {@link #CHAR}, {@link #BOOL}.
     */
    record Int(String name, int size, int encoding, int bitOffset, int bits) implements BtfType {
        public static final int SIGNED = 1;
        public static final int CHAR = 2;
        public static final int BOOL = 4;

        public BtfKind kind() {
            return BtfKind.INT;
        }

        public boolean isSigned() {
            return (encoding & SIGNED) != 0;
        }
    }

    record Pointer(int type) implements Ref {
        public BtfKind kind() {
            return BtfKind.PTR;
        }

        public String name() {
            return "";
        }
    }

    /** {@code count} elements of {@code type}; {@code count} is unsigned. */
    record Array(int type, int indexType, int count) implements BtfType {
        public BtfKind kind() {
            return BtfKind.ARRAY;
        }

        public String name() {
            return "";
        }
    }

    record Struct(String name, int size, List<Member> members, boolean bitfieldOffsets) implements Composite {
        public Struct {
            members = List.copyOf(members);
        }

        public BtfKind kind() {
            return BtfKind.STRUCT;
        }
    }

    record Union(String name, int size, List<Member> members, boolean bitfieldOffsets) implements Composite {
        public Union {
            members = List.copyOf(members);
        }

        public BtfKind kind() {
            return BtfKind.UNION;
        }
    }

    /**
     * A member of a struct or union at {@code bitOffset} bits from its start;
     * {@code bitfieldSize} is 0 unless it is a bitfield in a struct whose offsets carry sizes.
     */
    record Member(String name, int type, int bitOffset, int bitfieldSize) {
    }

    record Enum(String name, int size, boolean signed, List<EnumValue> values) implements Enumeration {
        public Enum {
            values = List.copyOf(values);
        }

        public BtfKind kind() {
            return BtfKind.ENUM;
        }
    }

    record Enum64(String name, int size, boolean signed, List<EnumValue> values) implements Enumeration {
        public Enum64 {
            values = List.copyOf(values);
        }

        public BtfKind kind() {
            return BtfKind.ENUM64;
        }
    }

    /** An enumerator; for an unsigned 32-bit ENUM the value is 0 .. 2^32-1, for an ENUM64 the raw 64 bits. */
    record EnumValue(String name, long value) {
    }

    /** A forward declaration: {@code struct name;} or {@code union name;}. */
    record Fwd(String name, boolean union) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FWD;
        }
    }

    record Typedef(String name, int type) implements Ref {
        public BtfKind kind() {
            return BtfKind.TYPEDEF;
        }
    }

    record Volatile(int type) implements Qualifier {
        public BtfKind kind() {
            return BtfKind.VOLATILE;
        }

        public String name() {
            return "";
        }
    }

    record Const(int type) implements Qualifier {
        public BtfKind kind() {
            return BtfKind.CONST;
        }

        public String name() {
            return "";
        }
    }

    record Restrict(int type) implements Qualifier {
        public BtfKind kind() {
            return BtfKind.RESTRICT;
        }

        public String name() {
            return "";
        }
    }

    /** A function; {@code type} is its FUNC_PROTO. */
    record Func(String name, int type, Linkage linkage) implements Ref {
        public BtfKind kind() {
            return BtfKind.FUNC;
        }
    }

    /** A function's signature; a variadic one ends with a parameter of type 0 and no name. */
    record FuncProto(int returnType, List<Param> params) implements BtfType {
        public FuncProto {
            params = List.copyOf(params);
        }

        public BtfKind kind() {
            return BtfKind.FUNC_PROTO;
        }

        public String name() {
            return "";
        }

        public boolean isVariadic() {
            return !params.isEmpty() && params.getLast().type() == 0;
        }
    }

    record Param(String name, int type) {
    }

    /** A global or static variable, listed in a DATASEC. */
    record Var(String name, int type, Linkage linkage) implements Ref {
        public BtfKind kind() {
            return BtfKind.VAR;
        }
    }

    /** An ELF data section and the variables in it ({@code .data}, {@code .maps}, ...). */
    record Datasec(String name, int size, List<VarSecinfo> vars) implements BtfType {
        public Datasec {
            vars = List.copyOf(vars);
        }

        public BtfKind kind() {
            return BtfKind.DATASEC;
        }
    }

    /** A VAR (or FUNC, for externs) at {@code offset} in its section, {@code size} bytes. */
    record VarSecinfo(int type, int offset, int size) {
    }

    record Float(String name, int size) implements BtfType {
        public BtfKind kind() {
            return BtfKind.FLOAT;
        }
    }

    /**
     * A tag ({@code name} is its value) on {@code type}, or on its member or parameter
     * {@code componentIndex} (-1: on the type itself); {@code attribute} is the kind flag, set
     * for {@code __attribute__} tags.
     */
    record DeclTag(String name, int type, int componentIndex, boolean attribute) implements Ref {
        public BtfKind kind() {
            return BtfKind.DECL_TAG;
        }
    }

    /** A tag on a type in a type chain ({@code name} is its value), e.g. {@code __user}. */
    record TypeTag(String name, int type, boolean attribute) implements Qualifier {
        public BtfKind kind() {
            return BtfKind.TYPE_TAG;
        }
    }
}
