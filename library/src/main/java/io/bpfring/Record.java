package io.bpfring;

/**
 * One record read by {@link EventReader#read}: its payload copied out of the buffer, so it stays
 * valid after the read, on any thread. (A handler's {@link io.bpfring.ring.RecordView} is the
 * zero-copy way, valid only during its call.)
 *
 * @param source   where it came from: the index of the ring in a
 *                 {@link io.bpfring.ringbuf.RingBufReader}, the CPU of a perf buffer, 0 for a
 *                 {@link io.bpfring.memring.MemoryRing}
 * @param position the record's position in its buffer, as {@link io.bpfring.ring.RecordView#position()}
 * @param bytes    the payload, this record's own (a perf sample's includes the kernel's 0-7 bytes
 *                 of padding)
 */
public record Record(int source, long position, byte[] bytes) {
    /** The payload's length in bytes. */
    public int length() {
        return bytes.length;
    }
}
