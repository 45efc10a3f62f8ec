package io.bpfring.bench;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The benchmark's table, ratios and JSON. */
public final class BenchReport {
    private BenchReport() {
    }

    public static void table(PrintWriter out, List<BenchResult> results) {
        out.printf("%-13s %-8s %4s %12s %8s %12s%n", "MODE", "NOTIFY", "PROD", "EVENTS/S", "SPREAD", "DROPS/S");
        for (BenchResult r : results) {
            BenchConfig c = r.config();
            out.printf(Locale.ROOT, "%-13s %-8s %4d %11.2fM %7.1f%% %11.2fM%n", c.mode().label(),
                    c.notification().label(), c.producers(), r.medianEvents() / 1e6, 100 * r.spread(),
                    r.medianDrops() / 1e6);
        }
        out.println();
        out.println("ratios of median events/s, same run:");
        for (BenchResult r : results) {
            BenchConfig c = r.config();
            String where = c.notification().label() + " " + c.producers() + "p";
            ratio(results, r, Mode.RB_LIBBPF, Mode.RB_JAVA).ifPresent(x -> out.printf(Locale.ROOT,
                    "  rb-java / rb-libbpf       %-12s %5.2f%n", where, x));
            ratio(results, r, Mode.RB_LIBBPF, Mode.RB_JAVA_BUSY).ifPresent(x -> out.printf(Locale.ROOT,
                    "  rb-java-busy / rb-libbpf  %-12s %5.2f%n", where, x));
            ratio(results, r, Mode.PB_LIBBPF, Mode.PB_JAVA).ifPresent(x -> out.printf(Locale.ROOT,
                    "  pb-java / pb-libbpf       %-12s %5.2f%n", where, x));
            ratio(results, r, Mode.PB_JAVA, Mode.RB_JAVA).ifPresent(x -> out.printf(Locale.ROOT,
                    "  rb-java / pb-java         %-12s %5.2f%n", where, x));
        }
    }

    /** numerator / denominator when {@code r} is the denominator's run and the numerator ran alike. */
    private static Optional<Double> ratio(List<BenchResult> results, BenchResult r, Mode denominator, Mode numerator) {
        if (r.config().mode() != denominator) {
            return Optional.empty();
        }
        return results.stream()
                .filter(o -> o.config().mode() == numerator
                        && o.config().notification() == r.config().notification()
                        && o.config().producers() == r.config().producers())
                .findFirst()
                .filter(o -> r.medianEvents() > 0)
                .map(o -> o.medianEvents() / r.medianEvents());
    }

    public static String json(List<BenchResult> results) {
        StringBuilder out = new StringBuilder("[");
        for (BenchResult r : results) {
            BenchConfig c = r.config();
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(String.format(Locale.ROOT,
                    "{\"mode\":\"%s\",\"notify\":\"%s\",\"producers\":%d,\"batch\":%d,\"eventsPerSecond\":%.0f,"
                            + "\"spread\":%.4f,\"dropsPerSecond\":%.0f,\"rounds\":%d}",
                    c.mode().label(), c.notification().label(), c.producers(), c.batch(), r.medianEvents(),
                    r.spread(), r.medianDrops(), c.rounds()));
        }
        return out.append(']').toString();
    }
}
