/**
 * JMH benchmarks: the consume path of the ring protocol with no kernel in the loop, the in-JVM
 * producer rings, and parsing BTF. {@code bpfring jmh} runs them with JMH's options.
 *
 * <p>Not the kernel benchmark, which JMH cannot drive (its producer is the kernel): see the
 * {@code bench} package.
 */
package io.bpfring.bench.jmh;
