package io.bpfring.bench.mpsc;

import io.bpfring.bench.Stats;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * Measures structures side by side in one JVM, taking turns: each round runs every structure
 * for one short slice, in an order that rotates from round to round. A machine whose speed
 * swings between minutes (a shared host) then slows all of them alike, and each structure's
 * ratio to the peer is taken within a round, where the machine was the same for both. (Run one
 * after the other, as JMH runs benchmarks, the swings show up in the ratios.)
 *
 * <p>A slice makes a new instance, starts its consumer and producer threads, lets them run a
 * moment, counts the records produced over the slice, then stops the producers and waits until
 * the consumer has read every record: one lost or read twice fails the run.
 */
public final class Interleaved {
    /** Threads start and reach full speed before a slice is counted. */
    private static final long SETTLE_MILLIS = 20;
    /** How long producers may take to start, and the consumer to read what is left, before the run fails. */
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** One structure's records per second in each round, and its ratio to the peer's in the same round. */
    public record Result(Structure structure, int recordSize, int producers, double[] rates, double[] ratios) {
        public double rate(double quantile) {
            return Stats.quantile(rates, quantile);
        }

        /** NaN when the peer was not measured. */
        public double ratio(double quantile) {
            return ratios.length == 0 ? Double.NaN : Stats.quantile(ratios, quantile);
        }
    }

    private final List<Structure> structures;
    private final Structure peer;
    private final Duration slice;
    private final int warmupRounds;
    private final int rounds;
    private final PrintWriter progress;

    /**
     * @param peer         the structure the others are divided by, when it is among them
     * @param warmupRounds rounds run first and not counted, for the compilers
     */
    public Interleaved(List<Structure> structures, Structure peer, Duration slice, int warmupRounds, int rounds,
                       PrintWriter progress) {
        if (structures.isEmpty() || rounds < 1 || warmupRounds < 0 || slice.toMillis() < 1) {
            throw new IllegalArgumentException("need a structure, a round, no negative warm-up and a slice of 1 ms or more");
        }
        this.structures = List.copyOf(structures);
        this.peer = peer;
        this.slice = slice;
        this.warmupRounds = warmupRounds;
        this.rounds = rounds;
        this.progress = progress;
    }

    /** Runs every structure with records of {@code recordSize} bytes and {@code producers} producer threads. */
    public List<Result> run(int recordSize, int producers) throws InterruptedException {
        int n = structures.size();
        double[][] rates = new double[n][rounds];
        for (int round = -warmupRounds; round < rounds; round++) {
            for (int turn = 0; turn < n; turn++) {
                int i = Math.floorMod(round + turn, n);
                double rate = slice(structures.get(i), recordSize, producers);
                if (round >= 0) {
                    rates[i][round] = rate;
                }
            }
            report(recordSize, producers, round, rates);
        }
        int p = structures.indexOf(peer);
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(new Result(structures.get(i), recordSize, producers, rates[i],
                    p < 0 ? new double[0] : ratios(rates[i], rates[p])));
        }
        return results;
    }

    /**
     * Each round's rate divided by the peer's in the same round. A round in which the peer
     * wrote nothing (a cold JVM can stall a whole short slice) has no ratio.
     */
    static double[] ratios(double[] rates, double[] peerRates) {
        return IntStream.range(0, rates.length).filter(round -> peerRates[round] > 0)
                .mapToDouble(round -> rates[round] / peerRates[round]).toArray();
    }

    /**
     * One slice, on a new instance: where its memory lands (which cache sets, which pages) sways
     * a structure's speed from one allocation to the next, so each round draws anew.
     */
    private double slice(Structure structure, int recordSize, int producers) throws InterruptedException {
        try (Contender contender = structure.create(recordSize)) {
            contender.startConsumer();
            try {
                return measure(contender, structure, producers);
            } finally {
                contender.stopConsumer();
            }
        }
    }

    /**
     * Runs the producers for a slice and returns their rate, once the consumer has read every
     * record they wrote. Threads are stopped whatever happens, so a failed slice ends the run.
     */
    private double measure(Contender contender, Structure structure, int producers) throws InterruptedException {
        Tally[] tallies = new Tally[producers];
        Thread[] threads = new Thread[producers];
        contender.startProducing();
        long before;
        long after;
        long start;
        long end;
        try {
            for (int t = 0; t < producers; t++) {
                Tally tally = tallies[t] = new Tally();
                threads[t] = Thread.ofPlatform().name(structure.label() + "-producer-" + t)
                        .start(() -> contender.produce(tally));
            }
            if (!within(() -> Arrays.stream(tallies).allMatch(tally -> tally.count() > 0))) {
                throw new IllegalStateException(structure.label() + ": a producer wrote nothing in "
                        + TimeUnit.NANOSECONDS.toSeconds(TIMEOUT_NANOS) + " s");
            }
            Thread.sleep(SETTLE_MILLIS);
            before = total(tallies);
            start = System.nanoTime();
            Thread.sleep(slice);
            after = total(tallies);
            end = System.nanoTime();
        } finally {
            contender.stopProducing();
            for (Thread thread : threads) {
                if (thread != null) {
                    thread.join();
                }
            }
        }
        long produced = total(tallies);
        within(() -> contender.consumed() >= produced);
        long consumed = contender.consumed();
        if (consumed != produced) {
            throw new IllegalStateException(structure.label() + ": " + produced + " records produced, " + consumed
                    + " consumed");
        }
        return (after - before) * 1e9 / (end - start);
    }

    /** Waits, looking every millisecond, until {@code done} holds; false if it did not in time. */
    private static boolean within(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    private static long total(Tally[] tallies) {
        long total = 0;
        for (Tally tally : tallies) {
            total += tally.count();
        }
        return total;
    }

    private void report(int recordSize, int producers, int round, double[][] rates) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%d B %dp ", recordSize, producers));
        line.append(round < 0 ? "warm-up " + (round + warmupRounds + 1) + "/" + warmupRounds
                : "round " + (round + 1) + "/" + rounds);
        for (int i = 0; round >= 0 && i < structures.size(); i++) {
            line.append(String.format(Locale.ROOT, "  %s %.1fM/s", structures.get(i).label(), rates[i][round] / 1e6));
        }
        progress.println(line);
    }
}
