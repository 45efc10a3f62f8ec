package io.bpfring.ring;

/** Where the current record is: written by the consumer for every record. */
abstract class RecordViewPlace extends RecordViewPadding {
    long offset;
    int length;
    long position;
}
