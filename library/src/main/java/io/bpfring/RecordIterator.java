package io.bpfring;

import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;

/** The records of a reader, read one by one, until the reader is closed. */
final class RecordIterator implements Iterator<Record> {
    /** As long as {@link EventReader#read} waits: its deadline is then as if without a limit. */
    private static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE);

    private final EventReader reader;
    private Record next;

    RecordIterator(EventReader reader) {
        this.reader = reader;
    }

    /** Waits for the next record; false once the reader is closed. A wakeup() does not end it. */
    @Override
    public boolean hasNext() {
        while (next == null) {
            try {
                next = reader.read(FOREVER);
            } catch (ClosedException e) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Record next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the reader is closed");
        }
        Record record = next;
        next = null;
        return record;
    }
}
