package io.bpfring.testing;

import java.util.Arrays;
import java.util.Random;

/**
 * Seeded mutations of a well-formed input, for fuzz-style tests of parsers: a truncation, a few
 * flipped bytes, or a 32-bit field overwritten with a value that breaks bounds checks (0, -1,
 * 2^31, the input's length, ...). Half the positions fall in the hot ranges, the parts of the
 * input that are structure rather than payload.
 */
public final class Mutator {
    /** How many mutants a fuzz test runs: {@code -Dbpfring.fuzz.mutants=N} scales every fuzz test. */
    public static final int MUTANTS = Integer.getInteger("bpfring.fuzz.mutants", 10_000);
    /** The seed: {@code -Dbpfring.fuzz.seed=S} reproduces or varies a run. */
    public static final long SEED = Long.getLong("bpfring.fuzz.seed", 0x5eed_b7f0L);

    private final Random random;
    private final int[] hot;

    /** Mutations of inputs whose structure is mostly in the ranges {@code [hot[0], hot[1]), [hot[2], hot[3]) ...}. */
    public Mutator(long seed, int... hot) {
        this.random = new Random(seed);
        this.hot = hot.clone();
    }

    /** One mutation, applied to {@code bytes} in place; {@link Mutation#undo(byte[])} puts them back. */
    public Mutation mutate(byte[] bytes) {
        int kind = random.nextInt(10);
        if (kind == 0) {
            int length = random.nextInt(bytes.length);
            return new Mutation("truncate to " + length, length, new int[0], new byte[0]);
        }
        boolean flips = kind < 6;
        int count = flips ? 1 + random.nextInt(4) : 1;
        int[] positions = new int[count * 4];
        byte[] saved = new byte[positions.length];
        StringBuilder what = new StringBuilder();
        int n = 0;
        for (int i = 0; i < count; i++) {
            int at = position(bytes.length);
            if (flips) {
                positions[n] = at;
                saved[n++] = bytes[at];
                byte flip = (byte) (1 + random.nextInt(255));
                bytes[at] ^= flip;
                what.append(String.format("xor byte %d with 0x%02x; ", at, flip));
            } else {
                at = Math.max(0, Math.min(at & ~3, bytes.length - 4));
                int value = interesting(bytes.length);
                for (int b = 0; b < 4 && at + b < bytes.length; b++) {
                    positions[n] = at + b;
                    saved[n++] = bytes[at + b];
                    bytes[at + b] = (byte) (value >>> (8 * b));
                }
                what.append(String.format("u32 at %d = 0x%08x; ", at, value));
            }
        }
        return new Mutation(what.toString().strip(), bytes.length, Arrays.copyOf(positions, n),
                Arrays.copyOf(saved, n));
    }

    private int position(int length) {
        if (hot.length >= 2 && random.nextBoolean()) {
            int range = 2 * random.nextInt(hot.length / 2);
            if (hot[range + 1] > hot[range]) {
                return Math.min(length - 1, hot[range] + random.nextInt(hot[range + 1] - hot[range]));
            }
        }
        return random.nextInt(length);
    }

    private int interesting(int length) {
        return switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> Integer.MIN_VALUE;
            case 3 -> Integer.MAX_VALUE;
            case 4 -> length;
            case 5 -> length + 1 + random.nextInt(16);
            case 6 -> random.nextInt(256);
            case 7 -> 0xffff;
            case 8 -> 1 << random.nextInt(31);
            default -> random.nextInt();
        };
    }

    /**
     * What was done, to report and undo: the mutant is the first {@code length} bytes of the
     * input (less than all for a truncation) with {@code positions} changed.
     */
    public record Mutation(String description, int length, int[] positions, byte[] saved) {
        public void undo(byte[] bytes) {
            for (int i = positions.length - 1; i >= 0; i--) {
                bytes[positions[i]] = saved[i];
            }
        }

        @Override
        public String toString() {
            return description;
        }
    }
}
