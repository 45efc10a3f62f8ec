package io.bpfring.ring;

/** Receives the records of one ring, in the order they were reserved. */
@FunctionalInterface
public interface RecordHandler {
    /**
     * Handles one record. The view is valid only during this call: copy out what must outlive it.
     *
     * @return {@code true} to go on, {@code false} to stop consuming after this record
     */
    boolean onRecord(RecordView record);
}
