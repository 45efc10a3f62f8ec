package io.bpfring.bench;

import java.util.Arrays;

/** Per-round rates of one run. */
public record BenchResult(BenchConfig config, double[] eventsPerSecond, double[] dropsPerSecond) {
    public double medianEvents() {
        return median(eventsPerSecond);
    }

    public double medianDrops() {
        return median(dropsPerSecond);
    }

    /** Half the distance between the fastest and the slowest round, as a share of the median. */
    public double spread() {
        double[] sorted = eventsPerSecond.clone();
        Arrays.sort(sorted);
        double median = median(sorted);
        return median == 0 ? 0 : (sorted[sorted.length - 1] - sorted[0]) / 2 / median;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
