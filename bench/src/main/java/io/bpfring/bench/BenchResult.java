package io.bpfring.bench;

import java.util.Arrays;

/** Per-round rates of one run. */
public record BenchResult(BenchConfig config, double[] eventsPerSecond, double[] dropsPerSecond) {
    public double medianEvents() {
        return Stats.median(eventsPerSecond);
    }

    public double medianDrops() {
        return Stats.median(dropsPerSecond);
    }

    /** Half the distance between the fastest and the slowest round, as a share of the median. */
    public double spread() {
        double[] sorted = eventsPerSecond.clone();
        Arrays.sort(sorted);
        double median = Stats.median(sorted);
        return median == 0 ? 0 : (sorted[sorted.length - 1] - sorted[0]) / 2 / median;
    }
}
