package io.bpfring.decode;

import io.bpfring.btf.BtfType;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * An enum's names by value, for values read from {@code bits} bits: sorted for a binary search
 * that allocates nothing, the JSON form of each name encoded once. Where two names share a
 * value, the first declared wins.
 */
final class Enumerators {
    private final String cName;
    private final int size;
    private final List<BtfType.EnumValue> declared;
    private final long[] values;
    private final String[] names;
    private final byte[][] json;
    private final byte[][] bare;
    private final long mask;

    private Enumerators(String cName, int size, List<BtfType.EnumValue> declared, long[] values, String[] names,
                        long mask) {
        this.cName = cName;
        this.size = size;
        this.declared = List.copyOf(declared);
        this.values = values;
        this.names = names;
        this.mask = mask;
        this.json = new byte[names.length][];
        this.bare = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            json[i] = CString.encode(names[i], true).getBytes(StandardCharsets.UTF_8);
            bare[i] = CString.encode(names[i], false).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** The enumerators of the enum {@code cName} of {@code size} bytes, for values of {@code bits} bits. */
    static Enumerators of(String cName, int size, List<BtfType.EnumValue> enumerators, int bits) {
        long mask = bits >= 64 ? -1L : (1L << bits) - 1;
        record Entry(long value, String name, int order) {
        }
        Entry[] entries = new Entry[enumerators.size()];
        for (int i = 0; i < entries.length; i++) {
            BtfType.EnumValue e = enumerators.get(i);
            entries[i] = new Entry(e.value() & mask, e.name(), i);
        }
        Arrays.sort(entries, Comparator.comparingLong(Entry::value).thenComparingInt(Entry::order));
        int n = 0;
        for (int i = 0; i < entries.length; i++) {
            if (i == 0 || entries[i].value != entries[i - 1].value) {
                entries[n++] = entries[i];
            }
        }
        long[] values = new long[n];
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            values[i] = entries[i].value;
            names[i] = entries[i].name;
        }
        return new Enumerators(cName, size, enumerators, values, names, mask);
    }

    /** The enum's name in C, "" if it has none. */
    String cName() {
        return cName;
    }

    /** The size of the enum type in bytes. */
    int size() {
        return size;
    }

    /** The enumerators as declared, in order. */
    List<BtfType.EnumValue> declared() {
        return declared;
    }

    /** The bits values are compared in: all ones for the width read. */
    long mask() {
        return mask;
    }

    /** The index of the name for {@code value} (as read, sign-extended or not), or -1. */
    int find(long value) {
        int i = Arrays.binarySearch(values, value & mask);
        return i >= 0 ? i : -1;
    }

    String name(int index) {
        return names[index];
    }

    /** The name as a JSON string. */
    byte[] json(int index) {
        return json[index];
    }

    /** The name as a table cell shows it. */
    byte[] bare(int index) {
        return bare[index];
    }

    /** The longest name, in code points. */
    int longest() {
        int n = 0;
        for (String name : names) {
            n = Math.max(n, name.codePointCount(0, name.length()));
        }
        return n;
    }

    /** Equal when they name the same values the same way. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Enumerators e && cName.equals(e.cName) && size == e.size && mask == e.mask
                && declared.equals(e.declared);
    }

    @Override
    public int hashCode() {
        return cName.hashCode() * 31 + declared.hashCode();
    }
}
