package io.bpfring.memring;

import io.bpfring.ring.RecordHandler;

import java.time.Duration;

/** One consuming call through a reader made for it, for tests that do not keep one. */
final class Readers {
    private Readers() {
    }

    static int consume(MemoryRing ring, RecordHandler handler) {
        try (MemoryRingReader reader = ring.reader(handler)) {
            return reader.consume();
        }
    }

    static int poll(MemoryRing ring, RecordHandler handler, Duration timeout) {
        try (MemoryRingReader reader = ring.reader(handler)) {
            return reader.poll(timeout);
        }
    }

    static int busyPoll(MemoryRing ring, RecordHandler handler, Duration timeout) {
        try (MemoryRingReader reader = ring.reader(handler)) {
            return reader.busyPoll(timeout);
        }
    }
}
