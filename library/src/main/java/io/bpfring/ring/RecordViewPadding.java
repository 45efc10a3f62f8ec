package io.bpfring.ring;

/**
 * Padding before the fields a consumer writes for every record (see {@link RecordView}): 128
 * bytes, two cache lines, which CPUs fetch in pairs, and the 4 bytes after the object header,
 * where the JVM would otherwise put an int field of a subclass.
 */
abstract class RecordViewPadding {
    private int gap;
    private long p00, p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15;
}
