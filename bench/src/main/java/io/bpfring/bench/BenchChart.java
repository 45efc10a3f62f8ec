package io.bpfring.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A bar chart of median events/s: one group per notification and producer count, a bar per mode. */
public final class BenchChart {
    private BenchChart() {
    }

    public static void write(List<BenchResult> results, Path png) {
        System.setProperty("java.awt.headless", "true");
        Set<String> groups = new LinkedHashSet<>();
        Set<Mode> modes = new LinkedHashSet<>();
        for (BenchResult r : results) {
            groups.add(group(r.config()));
            modes.add(r.config().mode());
        }
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(560)
                .title("bpfring bench: ring buffer vs perf buffer, Java vs libbpf")
                .xAxisTitle("notification, producer threads").yAxisTitle("M events/s (median)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setAvailableSpaceFill(0.85);
        for (Mode mode : modes) {
            List<String> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (String group : groups) {
                x.add(group);
                y.add(results.stream().filter(r -> r.config().mode() == mode && group(r.config()).equals(group))
                        .mapToDouble(r -> r.medianEvents() / 1e6).findFirst().orElse(0));
            }
            chart.addSeries(mode.label(), x, y);
        }
        try {
            BitmapEncoder.saveBitmap(chart, png.toString().replaceFirst("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chart " + png, e);
        }
    }

    private static String group(BenchConfig config) {
        return config.notification().label() + ", " + config.producers() + "p";
    }
}
