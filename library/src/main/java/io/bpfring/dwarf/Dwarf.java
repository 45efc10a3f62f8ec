package io.bpfring.dwarf;

/** The DWARF numbers this reader uses (LLVM's {@code BinaryFormat/Dwarf.def}, DWARF 5 section 7). */
final class Dwarf {
    private Dwarf() {
    }

    static final int TAG_ARRAY_TYPE = 0x01;
    static final int TAG_CLASS_TYPE = 0x02;
    static final int TAG_ENUMERATION_TYPE = 0x04;
    static final int TAG_FORMAL_PARAMETER = 0x05;
    static final int TAG_MEMBER = 0x0d;
    static final int TAG_POINTER_TYPE = 0x0f;
    static final int TAG_REFERENCE_TYPE = 0x10;
    static final int TAG_STRUCTURE_TYPE = 0x13;
    static final int TAG_SUBROUTINE_TYPE = 0x15;
    static final int TAG_TYPEDEF = 0x16;
    static final int TAG_UNION_TYPE = 0x17;
    static final int TAG_UNSPECIFIED_PARAMETERS = 0x18;
    static final int TAG_SUBRANGE_TYPE = 0x21;
    static final int TAG_BASE_TYPE = 0x24;
    static final int TAG_CONST_TYPE = 0x26;
    static final int TAG_ENUMERATOR = 0x28;
    static final int TAG_VOLATILE_TYPE = 0x35;
    static final int TAG_RESTRICT_TYPE = 0x37;
    static final int TAG_UNSPECIFIED_TYPE = 0x3b;
    static final int TAG_ATOMIC_TYPE = 0x47;

    static final int AT_NAME = 0x03;
    static final int AT_BYTE_SIZE = 0x0b;
    static final int AT_BIT_OFFSET = 0x0c;
    static final int AT_BIT_SIZE = 0x0d;
    static final int AT_CONST_VALUE = 0x1c;
    static final int AT_LOWER_BOUND = 0x22;
    static final int AT_UPPER_BOUND = 0x2f;
    static final int AT_COUNT = 0x37;
    static final int AT_DATA_MEMBER_LOCATION = 0x38;
    static final int AT_DECLARATION = 0x3c;
    static final int AT_ENCODING = 0x3e;
    static final int AT_TYPE = 0x49;
    static final int AT_DATA_BIT_OFFSET = 0x6b;
    static final int AT_STR_OFFSETS_BASE = 0x72;

    static final int ATE_BOOLEAN = 0x02;
    static final int ATE_FLOAT = 0x04;
    static final int ATE_SIGNED = 0x05;
    static final int ATE_SIGNED_CHAR = 0x06;
    static final int ATE_UNSIGNED_CHAR = 0x08;

    static final int OP_CONSTU = 0x10;
    static final int OP_PLUS_UCONST = 0x23;
}
