package io.bpfring.testing;

import io.bpfring.internal.RecordViews;
import io.bpfring.ring.RecordView;

import java.lang.foreign.MemorySegment;

/**
 * Record views over memory a test fills, as a consumer hands them to handlers: the view's
 * constructor and setter are the library's own (see {@link RecordViews}).
 */
public final class Views {
    private static final RecordViews.Access<RecordView> ACCESS = RecordViews.access(RecordView.class);

    private Views() {
    }

    /** A view over records in {@code data}. */
    public static RecordView over(MemorySegment data) {
        return ACCESS.over(data);
    }

    /** Points {@code view} at the payload of {@code length} bytes at {@code offset}, a record at {@code position}. */
    public static void point(RecordView view, long offset, int length, long position) {
        ACCESS.point(view, offset, length, position);
    }
}
