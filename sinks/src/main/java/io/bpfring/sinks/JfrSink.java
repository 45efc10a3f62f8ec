package io.bpfring.sinks;

import jdk.jfr.Recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code jfr:FILE.jfr}: each record a Flight Recorder event of a type made from its fields (see
 * {@link JfrTypes}), in a recording of its own written to FILE when the sink closes; with
 * bpfring's ring and sink statistics each second and at the end. The recording holds nothing
 * else, and it opens in JDK Mission Control with one column per field.
 */
final class JfrSink extends Sink {
    private final Path file;
    private final Set<String> enabled = new HashSet<>();
    private Recording recording;

    JfrSink(String name, Path file, OnFull onFull, int capacity, SinkOptions options) {
        super(name, onFull, capacity, options.err());
        this.file = file;
    }

    @Override
    void open(SinkOptions options) {
        Path target = file.toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw new SinkException(name + ": " + file + " is a directory");
        }
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new SinkException(name + ": no directory " + dir + " to write " + file.getFileName() + " in");
        }
        if (!Files.isWritable(dir) || Files.exists(target) && !Files.isWritable(target)) {
            throw new SinkException(name + ": cannot write " + file);
        }
        Recording r = new Recording();
        try {
            r.setName("bpfring " + file.getFileName());
            r.setToDisk(true);
            r.setDestination(target);
            r.enable(JfrEvents.RingStatistics.class).withPeriod(Duration.ofSeconds(1));
            r.enable(JfrEvents.SinkStatistics.class).withPeriod(Duration.ofSeconds(1));
            r.start();
        } catch (IOException | RuntimeException e) {
            r.close();
            throw new SinkException(name + ": cannot record to " + file + ": " + describe(e), e);
        }
        recording = r;
    }

    @Override
    void write(List<SinkRecord> batch) {
        int committed = 0;
        for (SinkRecord record : batch) {
            try {
                JfrTypes.Type type = JfrTypes.of(record);
                if (enabled.add(type.eventName)) {
                    recording.enable(type.eventName).withoutStackTrace().withoutThreshold();
                }
                type.event(record).commit();
                committed++;
            } catch (RuntimeException e) {
                failed(1, e);
            }
        }
        delivered(committed, 0);
    }

    @Override
    void finish() {
        if (recording != null) {
            try {
                recording.stop(); // writes the file
            } catch (RuntimeException e) {
                warnOnce("stop", "the recording could not be written: " + describe(e));
            } finally {
                recording.close();
            }
        }
    }
}
