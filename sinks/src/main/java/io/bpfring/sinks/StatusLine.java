package io.bpfring.sinks;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Live counters on the error stream every few seconds, so that back-pressure shows while it
 * happens: records per second, each ring's fill and what the kernel lost and the program
 * dropped, each sink's lag and drops. The first line comes after one interval: runs shorter than that print none.
 */
final class StatusLine {
    private final Thread thread;

    private StatusLine(Thread thread) {
        this.thread = thread;
    }

    static StatusLine start(SinkSet set, Duration interval, PrintStream err) {
        Thread t = Thread.ofPlatform().daemon().name("bpfring-status").unstarted(() -> run(set, interval, err));
        t.start();
        return new StatusLine(t);
    }

    private static void run(SinkSet set, Duration interval, PrintStream err) {
        long lastRecords = set.records();
        long lastTime = System.nanoTime();
        try {
            while (true) {
                Thread.sleep(interval);
                long now = System.nanoTime();
                long records = set.records();
                double rate = (records - lastRecords) * 1e9 / Math.max(1, now - lastTime);
                lastRecords = records;
                lastTime = now;
                err.println(line(rate, records, set.ringStats(), set.sinkStats()));
                err.flush();
            }
        } catch (InterruptedException e) {
            // stopped
        }
    }

    static String line(double rate, long records, List<RingMeter.RingStats> rings, List<SinkStats> sinks) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "status: %.0f records/s, %d in all", rate, records));
        for (RingMeter.RingStats r : rings) {
            out.append(String.format(Locale.ROOT, "; ring %s: %.0f%% full, %s", r.ring(), r.fillPercent(), r.counts()));
        }
        for (SinkStats s : sinks) {
            out.append("; ").append(s.sink()).append(": lag ").append(s.lag()).append(", dropped ").append(s.dropped());
            if (s.failed() > 0) {
                out.append(", failed ").append(s.failed());
            }
        }
        return out.toString();
    }

    void stop() {
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
