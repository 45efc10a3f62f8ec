package io.bpfring.bench;

import io.bpfring.EventReader;
import io.bpfring.bpf.BpfMap;
import io.bpfring.perf.PerfBufReader;
import io.bpfring.ringbuf.Notification;
import io.bpfring.ringbuf.RingBufReader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** The benchmark's consumers: bpfring's readers on a thread, or libbpf's in a process of its own. */
final class Consumers {
    /** A running consumer: how many samples it has consumed so far. */
    interface Consumer extends AutoCloseable {
        long consumed();

        @Override
        void close();
    }

    private Consumers() {
    }

    static Consumer javaRing(BpfMap ring, boolean busy, Notification notification) {
        AtomicLong count = new AtomicLong();
        RingBufReader reader = new RingBufReader();
        reader.add(ring, record -> {
            count.lazySet(count.get() + 1);
            return true;
        }, notification);
        return new JavaConsumer(reader, busy, count);
    }

    static Consumer javaPerf(BpfMap perf, int pagesPerCpu, int wakeupEvents) {
        AtomicLong count = new AtomicLong();
        PerfBufReader reader = PerfBufReader.builder(perf).pagesPerCpu(pagesPerCpu).wakeupEvents(wakeupEvents)
                .onSample((cpu, sample) -> {
                    count.lazySet(count.get() + 1);
                    return true;
                }).open();
        return new JavaConsumer(reader, false, count);
    }

    /** A bpfring reader polled by its own thread until closed. */
    private static final class JavaConsumer implements Consumer {
        private final EventReader reader;
        private final AtomicLong count;
        private final Thread thread;
        private volatile boolean running = true;

        JavaConsumer(EventReader reader, boolean busy, AtomicLong count) {
            this.reader = reader;
            this.count = count;
            Duration slice = Duration.ofMillis(100);
            this.thread = Thread.ofPlatform().name("bench-consumer").start(() -> {
                while (running) {
                    if (busy) {
                        reader.busyPoll(slice);
                    } else {
                        reader.poll(slice);
                    }
                }
            });
        }

        @Override
        public long consumed() {
            return count.get();
        }

        @Override
        public void close() {
            running = false;
            reader.wakeup();
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            reader.close();
        }
    }

    /**
     * libbpf's ring_buffer__poll or perf_buffer__poll in the C consumer, on the map pinned at
     * {@code pinned}. It counts into a shared 8-byte file that this side maps and reads.
     */
    static Consumer libbpf(Path binary, boolean ring, Path pinned, int pagesPerCpu, int wakeupEvents) {
        try {
            Path counterFile = Files.createTempFile(Path.of("/dev/shm"), "bpfring-bench-", ".count");
            Files.write(counterFile, new byte[8]);
            Arena arena = Arena.ofShared();
            MemorySegment counter;
            try (FileChannel channel = FileChannel.open(counterFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                counter = channel.map(FileChannel.MapMode.READ_WRITE, 0, 8, arena);
            }
            ProcessBuilder builder = ring
                    ? new ProcessBuilder(binary.toString(), "rb", pinned.toString(), counterFile.toString())
                    : new ProcessBuilder(binary.toString(), "pb", pinned.toString(), counterFile.toString(),
                    Integer.toString(pagesPerCpu), Integer.toString(wakeupEvents));
            Process process = builder.redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            if (!"ready".equals(first)) {
                process.destroyForcibly();
                arena.close();
                Files.deleteIfExists(counterFile);
                throw new IllegalStateException("the libbpf consumer did not start (exit " + process.waitFor() + ")");
            }
            return new Consumer() {
                @Override
                public long consumed() {
                    return counter.get(JAVA_LONG, 0);
                }

                @Override
                public void close() {
                    process.destroy();
                    try {
                        if (!process.waitFor(5, TimeUnit.SECONDS)) {
                            process.destroyForcibly();
                        }
                        Files.deleteIfExists(counterFile);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } finally {
                        arena.close();
                    }
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
