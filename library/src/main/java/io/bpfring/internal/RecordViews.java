package io.bpfring.internal;

import io.bpfring.ring.RecordView;

import java.lang.foreign.MemorySegment;

/**
 * Makes and points {@link RecordView}s from the library's packages other than {@code ring}: the
 * view's constructor and setter are package-private there, since a user only reads a view, but
 * the perf buffer's consumer delivers its records through views too. The ring package hands its
 * {@link Access} over when {@code RecordView} is initialized, as the JDK's shared secrets do.
 */
public final class RecordViews {
    /** What the ring package lets the library's other packages do with a view. */
    public interface Access {
        /** A view over records in {@code data}. */
        RecordView over(MemorySegment data);

        /** Points {@code view} at the record whose payload is {@code length} bytes at {@code offset}. */
        void point(RecordView view, long offset, int length, long position);
    }

    private static volatile Access access;

    private RecordViews() {
    }

    /** Called once, by {@code RecordView} as it is initialized. */
    public static void grant(Access granted) {
        if (access != null) {
            throw new IllegalStateException("record view access was granted already");
        }
        access = granted;
    }

    /** The ring package's access, once {@code RecordView} is initialized (this makes sure of it). */
    public static Access access() {
        if (access == null) {
            try {
                Class.forName(RecordView.class.getName(), true, RecordView.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        return access;
    }
}
