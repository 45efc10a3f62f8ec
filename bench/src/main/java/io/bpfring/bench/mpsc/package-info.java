/**
 * Java producer rings side by side in one JVM: bpfring's {@code MemoryRing} beside agrona's
 * {@code ManyToOneRingBuffer}, JCTools' {@code MpscArrayQueue} and the LMAX Disruptor, each a
 * {@link io.bpfring.bench.mpsc.Contender}, taking turns in short slices ({@link
 * io.bpfring.bench.mpsc.Interleaved}) so that a machine whose speed swings slows them alike.
 *
 * <p>It has no command line: {@code bpfring mpsc} in the CLI runs it.
 */
package io.bpfring.bench.mpsc;
