package io.bpfring.bench;

import java.time.Duration;

/**
 * One benchmark run.
 *
 * @param batch       samples the BPF program writes per getpgid call
 * @param sampleRate  sampled notification: a wake-up per this many samples
 */
public record BenchConfig(Mode mode, Notify notification, int producers, int batch, int ringSize, int pagesPerCpu,
                          int sampleRate, Duration warmup, Duration round, int rounds) {
    public BenchConfig {
        if (producers <= 0 || batch <= 0 || rounds <= 0 || sampleRate <= 0) {
            throw new IllegalArgumentException("producers, batch, rounds and sample rate must be positive");
        }
    }

    /** A short name: mode/notify/producers. */
    public String label() {
        return mode.label() + " " + notification.label() + " " + producers + "p";
    }
}
