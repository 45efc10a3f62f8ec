package io.bpfring.memring;

import io.bpfring.ring.Wakeup;

import java.nio.file.Path;
import java.time.Duration;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A producer in a process of its own, for the cross-process tests: writes {@code count} records
 * {@code {u32 producer; u32 pad; u64 seq}} into the shared ring file, opening the file again when
 * a new ring replaces it there (and saying "reopened"). With "eager count", says "open", then
 * writes its records reserving without waiting, again at once while the ring is full, so that it
 * holds the lock much of the time. With "hold", reserves one record, says so on stdout and waits
 * to be killed without submitting it.
 */
public final class RingProducerProcess {
    private RingProducerProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int id = Integer.parseInt(args[1]);
        if (args[2].equals("hold")) {
            try (MemoryRing ring = MemoryRing.open(file)) {
                long position = ring.reserve(16);
                ring.data().set(JAVA_INT, ring.payloadOffset(position), id);
                System.out.println("holding " + position);
                System.out.flush();
                Thread.sleep(60_000);
            }
            return;
        }
        if (args[2].equals("eager")) {
            long count = Long.parseLong(args[3]);
            try (MemoryRing ring = MemoryRing.open(file)) {
                System.out.println("open");
                System.out.flush();
                for (long seq = 0; seq < count; seq++) {
                    long position;
                    while ((position = ring.reserve(16)) == -1) {
                        Thread.onSpinWait();
                    }
                    ring.data().set(JAVA_INT, ring.payloadOffset(position), id);
                    ring.data().set(JAVA_LONG, ring.payloadOffset(position) + 8, seq);
                    ring.submit(position, Wakeup.ADAPTIVE);
                }
            }
            System.out.println("done");
            return;
        }
        long count = Long.parseLong(args[2]);
        MemoryRing ring = MemoryRing.open(file);
        long seq = 0;
        while (seq < count) {
            long position;
            try {
                position = ring.reserve(16, Duration.ofSeconds(30));
            } catch (IllegalStateException replaced) {
                ring.close();
                ring = MemoryRing.open(file);
                System.out.println("reopened");
                continue;
            }
            if (position == -1) {
                throw new IllegalStateException("no room for 30 s");
            }
            ring.data().set(JAVA_INT, ring.payloadOffset(position), id);
            ring.data().set(JAVA_LONG, ring.payloadOffset(position) + 8, seq++);
            ring.submit(position, Wakeup.ADAPTIVE);
        }
        ring.close();
        System.out.println("done");
    }
}
