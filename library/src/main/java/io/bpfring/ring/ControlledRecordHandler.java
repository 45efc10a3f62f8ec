package io.bpfring.ring;

/**
 * Receives the records of one ring and says, record by record, whether it took each, as agrona's
 * {@code ControlledMessageHandler} does: a handler that cannot take a record now (its queue is
 * full, a downstream is away) leaves it in the ring, to be delivered again by the next poll.
 */
@FunctionalInterface
public interface ControlledRecordHandler {
    /** What became of a record, and whether to go on. */
    enum Action {
        /** Consumed; go on with the next record. */
        CONTINUE,
        /** Consumed; stop this consume or poll after it. */
        BREAK,
        /**
         * Not consumed: the consumer position stays at this record, which the next consume or
         * poll delivers again (the same position); stop this one.
         */
        ABORT
    }

    /**
     * Handles one record. The view is valid only during this call: copy out what must outlive it.
     * A handler that throws has consumed its record, as with {@link RecordHandler}.
     */
    Action onRecord(RecordView record);
}
