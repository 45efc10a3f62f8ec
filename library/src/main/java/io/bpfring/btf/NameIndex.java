package io.bpfring.btf;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * Type ids by name, for the types of one table (not its base): a chained hash table over the
 * raw name bytes, so building it creates no strings. Built on the first lookup.
 */
final class NameIndex {
    static final int FNV_BASIS = 0x811c9dc5;
    static final int FNV_PRIME = 0x01000193;

    private final Btf btf;
    private final int[] heads;
    /** The next local type in the same bucket, or -1; chains run in id order. */
    private final int[] next;

    NameIndex(Btf btf) {
        this.btf = btf;
        int count = btf.localCount();
        this.heads = new int[Math.max(16, Integer.highestOneBit(Math.max(count, 1)) << 1)];
        this.next = new int[count];
        Arrays.fill(heads, -1);
        int mask = heads.length - 1;
        int first = btf.firstId();
        // Backwards, so that each chain starts with its lowest id.
        for (int i = count - 1; i >= 0; i--) {
            int nameOffset = btf.word(first + i, 0);
            if (nameOffset == 0) {
                next[i] = -1;
                continue;
            }
            int bucket = spread(btf.nameHash(nameOffset)) & mask;
            next[i] = heads[bucket];
            heads[bucket] = i;
        }
    }

    static int hash(byte[] name) {
        int hash = FNV_BASIS;
        for (byte b : name) {
            hash = (hash ^ (b & 0xff)) * FNV_PRIME;
        }
        return hash;
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }

    /** The lowest id of {@code kind} (any kind if null) named {@code name}. */
    OptionalInt first(byte[] name, BtfKind kind) {
        if (name.length == 0) {
            return OptionalInt.empty();
        }
        int first = btf.firstId();
        for (int i = heads[spread(hash(name)) & (heads.length - 1)]; i >= 0; i = next[i]) {
            int id = first + i;
            if ((kind == null || btf.kind(id) == kind) && btf.nameEquals(btf.word(id, 0), name)) {
                return OptionalInt.of(id);
            }
        }
        return OptionalInt.empty();
    }

    /** Adds every id named {@code name} to {@code ids}, in id order. */
    void all(byte[] name, List<Integer> ids) {
        if (name.length == 0) {
            return;
        }
        int first = btf.firstId();
        for (int i = heads[spread(hash(name)) & (heads.length - 1)]; i >= 0; i = next[i]) {
            if (btf.nameEquals(btf.word(first + i, 0), name)) {
                ids.add(first + i);
            }
        }
    }
}
