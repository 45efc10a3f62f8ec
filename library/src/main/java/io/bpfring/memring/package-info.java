/**
 * The BPF ring buffer for Java producers: {@link io.bpfring.memring.MemoryRing}, many producers
 * and one consumer on memory mapped the way the kernel maps a ring (data twice, back to back),
 * with reserve ({@link io.bpfring.ring.Reservation}s written in place), submit, discard and
 * output, delivery in reservation order and the kernel's adaptive wake-ups on a futex. In one
 * JVM ({@code inMemory}) producers claim space with one compare-and-set; a shared ring file
 * ({@code create}, {@code open}) takes producers in other processes, written in any language
 * (docs/ring-file.md), and survives one that dies mid-record.
 *
 * {@snippet class=io.bpfring.memring.MemoryRingExampleTest region=produce}
 *
 * <p>It involves no kernel object and no BPF program: for kernel ring buffers see
 * {@code ringbuf}.
 */
package io.bpfring.memring;
