package io.bpfring.sinks;

/**
 * One sink's counts at a moment. Every record offered to a sink is either {@code accepted} into
 * its queue or {@code dropped} (queue full, {@link OnFull#DROP}); every accepted record ends up
 * {@code delivered}, {@code failed} (the destination refused it, or an error the sink cannot
 * retry), {@code unsent} (still queued or in flight when closing gave up), or is still
 * {@code queued} or {@code inFlight} while the sink runs.
 *
 * @param sink the sink's URI as given
 * @param accepted records taken into the queue
 * @param dropped records refused because the queue was full
 * @param delivered records the destination has (for Kafka: acknowledged by the broker)
 * @param failed records the destination refused or that could not be written
 * @param unsent records abandoned at close, still queued or in flight
 * @param queued records waiting in the queue now
 * @param inFlight records taken from the queue and not yet delivered or failed (for Kafka: sent,
 *     not yet acknowledged)
 * @param capacity the queue's size in records
 * @param bytes bytes delivered (the JSON, or the line written; 0 for Flight Recorder)
 * @param blockedNanos time the reading thread spent waiting for room ({@link OnFull#BLOCK})
 */
public record SinkStats(String sink, long accepted, long dropped, long delivered, long failed, long unsent,
                        long queued, long inFlight, int capacity, long bytes, long blockedNanos) {
    /** Records waiting to reach the destination: queued and in flight. */
    public long lag() {
        return queued + inFlight;
    }
}
