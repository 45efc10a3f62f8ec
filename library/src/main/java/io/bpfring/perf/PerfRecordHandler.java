package io.bpfring.perf;

import io.bpfring.ring.RecordView;

/** Receives the records of one perf buffer. */
public interface PerfRecordHandler {
    /**
     * A {@code PERF_RECORD_SAMPLE}: the raw bytes the program sent, plus 0-7 bytes of padding
     * the kernel adds to keep records 8-aligned. Valid only during this call.
     *
     * @return {@code true} to go on, {@code false} to stop consuming after this record
     */
    boolean onSample(RecordView sample);

    /** A {@code PERF_RECORD_LOST}: the kernel had no room for {@code lost} samples. */
    void onLost(long lost);
}
