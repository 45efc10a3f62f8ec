package io.bpfring.bench;

import io.bpfring.asm.Asm;
import io.bpfring.bpf.BpfMap;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.DropCounter;
import io.bpfring.bpf.Mounts;
import io.bpfring.bpf.ProgramType;
import io.bpfring.bpf.Resources;
import io.bpfring.bpf.Tracepoint;
import io.bpfring.ringbuf.Notification;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel ring buffer benchmark, after the kernel's selftest bench: a BPF program on
 * {@code syscalls/sys_enter_getpgid} writes a batch of 8-byte samples per call of this
 * process's producer threads; one consumer reads them. Every consumer, bpfring's or libbpf's,
 * is sampled the same way: its running count at the start and end of each round.
 */
public final class KernelBench {
    private final Path workDir;
    private final PrintWriter progress;
    private Path libbpfConsumer;

    /**
     * @param workDir  where the libbpf consumer is built
     * @param progress where live rates go, one line per round
     */
    public KernelBench(Path workDir, PrintWriter progress) {
        this.workDir = workDir;
        this.progress = progress;
    }

    public BenchResult run(BenchConfig config) {
        long pid = ProcessHandle.current().pid();
        Tracepoint getpgid = Tracepoint.of("syscalls", "sys_enter_getpgid");
        try (Resources resources = new Resources()) {
            DropCounter drops = resources.own(new DropCounter("bench_drops"));
            Consumers.Consumer consumer;
            Asm program;
            if (config.mode().ring()) {
                BpfMap ring = resources.own(BpfMap.ringBuf("bench_rb", config.ringSize()));
                program = BenchProgram.ring(ring, drops, pid, config.batch(), config.notification(),
                        (long) config.sampleRate() * BenchProgram.RING_SPAN);
                consumer = resources.own(consumer(config, ring));
            } else {
                BpfMap perf = resources.own(BpfMap.perfEventArray("bench_pb"));
                program = BenchProgram.perf(perf, drops, pid, config.batch());
                consumer = resources.own(consumer(config, perf));
            }
            BpfProgram loaded = resources.own(BpfProgram.load(ProgramType.TRACEPOINT, "bench", program));
            resources.own(getpgid.attach(loaded));
            try (Producers producers = new Producers(config.producers())) {
                Thread.sleep(config.warmup());
                double[] events = new double[config.rounds()];
                double[] dropped = new double[config.rounds()];
                for (int round = 0; round < config.rounds(); round++) {
                    long start = System.nanoTime();
                    long consumed0 = consumer.consumed();
                    long drops0 = drops.count();
                    Thread.sleep(config.round());
                    double seconds = (System.nanoTime() - start) / 1e9;
                    events[round] = (consumer.consumed() - consumed0) / seconds;
                    dropped[round] = (drops.count() - drops0) / seconds;
                    progress.printf("%-26s round %d/%d: %8.2f M events/s, %8.2f M drops/s%n", config.label(),
                            round + 1, config.rounds(), events[round] / 1e6, dropped[round] / 1e6);
                    progress.flush();
                }
                return new BenchResult(config, events, dropped);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("benchmark interrupted", e);
        }
    }

    private Consumers.Consumer consumer(BenchConfig config, BpfMap map) {
        boolean sampled = config.notification() == Notify.SAMPLED;
        int wakeupEvents = sampled ? config.sampleRate() : 1;
        Notification ring = sampled ? Notification.PRODUCER_CONTROLLED : Notification.ADAPTIVE;
        return switch (config.mode()) {
            case RB_JAVA -> Consumers.javaRing(map, false, ring);
            case RB_JAVA_BUSY -> Consumers.javaRing(map, true, ring);
            case PB_JAVA -> Consumers.javaPerf(map, config.pagesPerCpu(), wakeupEvents);
            case RB_LIBBPF, PB_LIBBPF -> libbpf(config, map, wakeupEvents);
        };
    }

    /** Pins the map for the C consumer, which opens it by path; the pin goes once it has. */
    private Consumers.Consumer libbpf(BenchConfig config, BpfMap map, int wakeupEvents) {
        if (libbpfConsumer == null) {
            libbpfConsumer = LibbpfBuild.consumer(workDir, progress);
        }
        Path pin = Mounts.BPFFS.resolve("bpfring-bench-" + ProcessHandle.current().pid());
        map.pin(pin);
        try {
            return Consumers.libbpf(libbpfConsumer, config.mode().ring(), pin, config.pagesPerCpu(), wakeupEvents);
        } finally {
            try {
                Files.deleteIfExists(pin);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Threads that call getpgid as fast as they can until closed. */
    private static final class Producers implements AutoCloseable {
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean running = true;

        Producers(int count) {
            for (int i = 0; i < count; i++) {
                threads.add(Thread.ofPlatform().name("bench-producer-" + i).start(() -> {
                    while (running) {
                        Getpgid.call(0);
                    }
                }));
            }
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }
}
