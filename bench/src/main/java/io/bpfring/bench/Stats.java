package io.bpfring.bench;

import java.util.Arrays;

/** Order statistics of per-round figures. */
public final class Stats {
    private Stats() {
    }

    /** The {@code q} quantile (0..1), interpolated between the nearest rounds; 0.5 is the median. */
    public static double quantile(double[] values, double q) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double at = q * (sorted.length - 1);
        int below = (int) Math.floor(at);
        int above = Math.min(below + 1, sorted.length - 1);
        return sorted[below] + (at - below) * (sorted[above] - sorted[below]);
    }

    public static double median(double[] values) {
        return quantile(values, 0.5);
    }
}
