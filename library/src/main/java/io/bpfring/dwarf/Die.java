package io.bpfring.dwarf;

import java.util.ArrayList;
import java.util.List;

/**
 * A debugging information entry: its tag, its attributes' values and its children. A value is a
 * {@code Long} (constants, flags, offsets), a {@code String}, a {@code byte[]} (blocks and
 * expressions), a {@link Ref} (a reference to another entry), or null for forms that point
 * outside the file (type signatures, supplementary files).
 */
final class Die {
    /** A reference to the entry at {@code offset} of {@code .debug_info}. */
    record Ref(long offset) {
    }

    final long offset;
    final int tag;
    private final int[] attributes;
    private final Object[] values;
    final List<Die> children = new ArrayList<>(0);

    Die(long offset, int tag, int[] attributes, Object[] values) {
        this.offset = offset;
        this.tag = tag;
        this.attributes = attributes;
        this.values = values;
    }

    Object value(int attribute) {
        for (int i = 0; i < attributes.length; i++) {
            if (attributes[i] == attribute) {
                return values[i];
            }
        }
        return null;
    }

    /** A constant attribute, or {@code otherwise} if the entry does not have it as a constant. */
    long number(int attribute, long otherwise) {
        return value(attribute) instanceof Long n ? n : otherwise;
    }

    boolean has(int attribute) {
        return value(attribute) != null;
    }

    /** The name, "" if it has none. */
    String name() {
        return value(Dwarf.AT_NAME) instanceof String s ? s : "";
    }

    /** The entry DW_AT_type refers to, or null (void). */
    Ref type() {
        return value(Dwarf.AT_TYPE) instanceof Ref r ? r : null;
    }

    @Override
    public String toString() {
        return "DIE at .debug_info offset " + offset + " (tag 0x" + Integer.toHexString(tag) + ")";
    }
}
