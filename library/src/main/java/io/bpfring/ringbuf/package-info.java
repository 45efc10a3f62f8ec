/**
 * Kernel ring buffers from user space: {@link io.bpfring.ringbuf.RingBufReader} reads any number
 * of {@code BPF_MAP_TYPE_RINGBUF} maps through their memory mappings, each with its own handler,
 * on one epoll (libbpf's {@code ring_buffer__*}), its wake-ups as each ring's producer intends
 * ({@link io.bpfring.ringbuf.Notification}); {@link io.bpfring.ringbuf.UserRingBufWriter}
 * writes into a {@code BPF_MAP_TYPE_USER_RINGBUF} that a program drains ({@code
 * user_ring_buffer__*}).
 *
 * {@snippet class=io.bpfring.ringbuf.RingBufExampleTest region=read}
 *
 * <p>It maps and waits; the protocol itself is {@code ring}'s. It does not read perf buffers
 * ({@code perf}) or rings of Java producers ({@code memring}).
 */
package io.bpfring.ringbuf;
