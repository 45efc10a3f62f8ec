/**
 * The BPF ring buffer protocol, as kernel/bpf/ringbuf.c defines it, over memory it is given as
 * {@link java.lang.foreign.MemorySegment}s: the record layout ({@link
 * io.bpfring.ring.RingLayout}), the consume loop ({@link io.bpfring.ring.RingConsumer}, handing
 * each record to a {@link io.bpfring.ring.RecordHandler} as a zero-copy {@link
 * io.bpfring.ring.RecordView}) and the produce algorithm ({@link io.bpfring.ring.RingProducer}:
 * reserve, submit or discard by position, and the kernel's wake-up decision, as a {@link
 * io.bpfring.ring.Wakeup} asks). Producers' code holds a {@link io.bpfring.ring.Reservation}:
 * the record's payload in place, submitted or discarded once. Every acquire and release names
 * the access of the other side it pairs with.
 *
 * {@snippet class=io.bpfring.ring.RingExampleTest region=protocol}
 *
 * <p>It knows nothing of where the memory comes from: mapping a kernel ring ({@code ringbuf}),
 * a file or anonymous memory ({@code memring}), waiting on epoll or a futex, are the callers'.
 */
package io.bpfring.ring;
