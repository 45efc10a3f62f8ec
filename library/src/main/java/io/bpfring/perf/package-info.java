/**
 * The perf buffer ({@code BPF_MAP_TYPE_PERF_EVENT_ARRAY}), the ring buffer's predecessor:
 * {@link io.bpfring.perf.PerfBufReader} opens a {@code PERF_COUNT_SW_BPF_OUTPUT} event with its
 * own mmap ring on every online CPU and reads them on one epoll (libbpf's
 * {@code perf_buffer__*}), with lost-sample counts; {@link io.bpfring.perf.PerfRingConsumer} is
 * the protocol of one such ring ({@code perf_event_mmap_page}, SAMPLE and LOST records,
 * wrap-around); {@link io.bpfring.perf.Reorderer} puts the CPUs' events back in timestamp order.
 *
 * {@snippet class=io.bpfring.perf.PerfExampleTest region=read}
 *
 * <p>It is not the BPF ring buffer: samples of different CPUs arrive out of order, and each
 * CPU's buffer is its own memory. For the ring buffer see {@code ringbuf}.
 */
package io.bpfring.perf;
