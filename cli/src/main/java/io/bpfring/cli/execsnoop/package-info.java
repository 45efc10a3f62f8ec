/**
 * {@code bpfring execsnoop}, the classic exec tracer, in the three variants of the BPF ring
 * buffer article: {@code bpf_ringbuf_reserve} and submit, {@code bpf_ringbuf_output}, and
 * {@code bpf_perf_event_output}, each printing the same rows.
 *
 * <p>Its programs are assembled in Java; it loads no compiled object.
 */
package io.bpfring.cli.execsnoop;
