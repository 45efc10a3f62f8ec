package io.bpfring.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Runs one benchmark configuration in a JVM of its own, as JMH forks do: the JIT then compiles
 * each mode for itself, not for the modes that ran before it in the same process.
 */
public final class BenchFork {
    private static final String RESULT = "RESULT ";

    private BenchFork() {
    }

    /** Runs {@code config} in a child JVM on this JVM's class path; its progress goes to our stderr. */
    public static BenchResult run(BenchConfig config, Path workDir) {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                BenchFork.class.getName(),
                workDir.toString(), config.mode().label(), config.notification().label(),
                Integer.toString(config.producers()), Integer.toString(config.batch()),
                Integer.toString(config.ringSize()), Integer.toString(config.pagesPerCpu()),
                Integer.toString(config.sampleRate()), Long.toString(config.warmup().toMillis()),
                Long.toString(config.round().toMillis()), Integer.toString(config.rounds())));
        try {
            Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String result = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith(RESULT)) {
                        result = line.substring(RESULT.length());
                    }
                }
            }
            int exit = process.waitFor();
            if (exit != 0 || result == null) {
                throw new IllegalStateException("the benchmark of " + config.label() + " failed (exit " + exit + ")");
            }
            String[] parts = result.split(";");
            return new BenchResult(config, numbers(parts[0]), numbers(parts[1]));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double[] numbers(String csv) {
        return Arrays.stream(csv.split(",")).mapToDouble(Double::parseDouble).toArray();
    }

    private static String csv(double[] values) {
        StringBuilder out = new StringBuilder();
        for (double value : values) {
            out.append(out.isEmpty() ? "" : ",").append(String.format(Locale.ROOT, "%.1f", value));
        }
        return out.toString();
    }

    /** The child: runs the configuration in its arguments and prints one RESULT line. */
    public static void main(String[] args) {
        BenchConfig config = new BenchConfig(Mode.ofLabel(args[1]), Notify.ofLabel(args[2]),
                Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                Integer.parseInt(args[6]), Integer.parseInt(args[7]), Duration.ofMillis(Long.parseLong(args[8])),
                Duration.ofMillis(Long.parseLong(args[9])), Integer.parseInt(args[10]));
        PrintWriter progress = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        BenchResult result = new KernelBench(Path.of(args[0]), progress).run(config);
        System.out.println(RESULT + csv(result.eventsPerSecond()) + ";" + csv(result.dropsPerSecond()));
    }
}
