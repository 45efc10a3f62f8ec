package io.bpfring.memring;

import io.bpfring.ring.Reservation;

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
                Reservation record = ring.reserve(16);
                record.payload().set(JAVA_INT, 0, id);
                System.out.println("holding " + record);
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
                    Reservation record;
                    while ((record = ring.reserve(16)) == null) {
                        Thread.onSpinWait();
                    }
                    write(record, id, seq);
                }
            }
            System.out.println("done");
            return;
        }
        long count = Long.parseLong(args[2]);
        MemoryRing ring = MemoryRing.open(file);
        long seq = 0;
        while (seq < count) {
            Reservation record;
            try {
                record = ring.reserve(16, Duration.ofSeconds(30));
            } catch (IllegalStateException replaced) {
                ring.close();
                ring = MemoryRing.open(file);
                System.out.println("reopened");
                continue;
            }
            if (record == null) {
                throw new IllegalStateException("no room for 30 s");
            }
            write(record, id, seq++);
        }
        ring.close();
        System.out.println("done");
    }

    private static void write(Reservation record, int id, long seq) {
        record.payload().set(JAVA_INT, 0, id);
        record.payload().set(JAVA_LONG, 8, seq);
        record.submit();
    }
}
