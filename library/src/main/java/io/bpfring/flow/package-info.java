/**
 * Records of any {@link io.bpfring.EventReader} as a {@link java.util.concurrent.Flow.Publisher}:
 * {@link io.bpfring.flow.EventPublisher} pulls them, copied, on a virtual thread of its own, and
 * says what becomes of them when a subscriber is slow ({@link io.bpfring.flow.EventPublisher.Overflow}).
 *
 * {@snippet class=io.bpfring.flow.FlowExampleTest region=subscribe}
 *
 * <p>It knows the readers only by their common interface; for the zero-copy way, poll a reader
 * with a handler.
 */
package io.bpfring.flow;
