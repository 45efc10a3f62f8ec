/**
 * {@code bpfring order-check} and {@code bpfring burst-check}: what the ring buffer wins over
 * the perf buffer, shown on the running kernel. Processes started from two threads send their
 * fork, exec and exit to both at once (event order); a burst after an idle pause goes to both
 * with the same memory (drops).
 *
 * <p>They demonstrate; the numbers they print are not benchmarks.
 */
package io.bpfring.cli.checks;
