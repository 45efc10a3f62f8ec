package io.bpfring.sinks;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;

/** Records with a field of every kind a sink takes, numbered by {@code seq}. */
final class TestRecords {
    /** A fixed moment (2026-01-01T00:00:00Z) plus the record's number in microseconds. */
    static final long BASE_NANOS = 1_767_225_600_000_000_000L;
    static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private TestRecords() {
    }

    static int pid(long seq) {
        return 1000 + (int) (seq % 7);
    }

    static SinkRecord record(long seq) {
        SequencedMap<String, Object> fields = new LinkedHashMap<>();
        fields.put("seq", seq);
        fields.put("pid", (long) pid(seq));
        fields.put("comm", seq % 5 == 0 ? "we\"ird\\\u0001é" : "sh");
        fields.put("filename", "/usr/bin/tool-" + seq);
        fields.put("ok", seq % 2 == 0);
        fields.put("ratio", seq / 8.0);
        fields.put("cookie", U64_MAX.subtract(BigInteger.valueOf(seq)));
        fields.put("args", List.of(seq, -seq, 7L));
        Map<String, Object> cred = new LinkedHashMap<>();
        cred.put("uid", 1000L + seq % 3);
        cred.put("name", "user" + seq % 3);
        fields.put("cred", cred);
        return SinkRecord.of("event", fields, BASE_NANOS + seq * 1000, pid(seq));
    }
}
