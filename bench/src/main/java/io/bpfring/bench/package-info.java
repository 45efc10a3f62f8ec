/**
 * The kernel ring buffer benchmark, as a library of measurements: after the kernel's selftest
 * bench, a program on {@code syscalls/sys_enter_getpgid} writes a batch of samples per call of
 * the benchmark's producer threads into a ring buffer or a perf buffer, and one consumer reads
 * them: bpfring's readers, or libbpf's in a C consumer built here ({@link
 * io.bpfring.bench.KernelBench}, one configuration per JVM with {@link
 * io.bpfring.bench.BenchFork}, reports and charts of the results).
 *
 * <p>It has no command line: {@code bpfring bench} in the CLI runs it. It is no part of the
 * library, which a user takes without it.
 */
package io.bpfring.bench;
