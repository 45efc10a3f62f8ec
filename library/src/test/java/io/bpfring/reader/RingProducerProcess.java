package io.bpfring.reader;

import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A producer in a process of its own, for the cross-process tests: writes {@code count} records
 * {@code {u32 producer; u32 pad; u64 seq}} into the shared ring file, or with "hold" reserves one
 * record, says so on stdout and waits to be killed without committing it.
 */
public final class RingProducerProcess {
    private RingProducerProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (MemoryRing ring = MemoryRing.open(Path.of(args[0]))) {
            int id = Integer.parseInt(args[1]);
            if (args[2].equals("hold")) {
                long position = ring.reserve(16);
                ring.data().set(JAVA_INT, ring.payloadOffset(position), id);
                System.out.println("holding " + position);
                System.out.flush();
                Thread.sleep(60_000);
                return;
            }
            long count = Long.parseLong(args[2]);
            for (long seq = 0; seq < count; seq++) {
                long position = ring.reserve(16, java.time.Duration.ofSeconds(30));
                if (position < 0) {
                    throw new IllegalStateException("no room for 30 s");
                }
                ring.data().set(JAVA_INT, ring.payloadOffset(position), id);
                ring.data().set(JAVA_LONG, ring.payloadOffset(position) + 8, seq);
                ring.commit(position, 0);
            }
            System.out.println("done");
        }
    }
}
