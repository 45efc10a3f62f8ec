package io.bpfring.internal;

import java.lang.foreign.MemorySegment;

/**
 * Makes and points record views from the library's packages other than {@code ring}: the view's
 * constructor and setter are package-private there, since a user only reads a view, but the perf
 * buffer's consumer delivers its records through views too. The ring package hands its
 * {@link Access} over when its view class is initialized, as the JDK's shared secrets do. The
 * view's type is a type parameter, so that this package does not depend on {@code ring}, which
 * depends on it.
 */
public final class RecordViews {
    /** What the ring package lets the library's other packages do with a view of type {@code V}. */
    public interface Access<V> {
        /** A view over records in {@code data}. */
        V over(MemorySegment data);

        /** Points {@code view} at the record whose payload is {@code length} bytes at {@code offset}. */
        void point(V view, long offset, int length, long position);
    }

    private static volatile Access<?> access;

    private RecordViews() {
    }

    /** Called once, by the view class as it is initialized. */
    public static void grant(Access<?> granted) {
        if (access != null) {
            throw new IllegalStateException("record view access was granted already");
        }
        access = granted;
    }

    /** The ring package's access to views of {@code viewType}, which this initializes first. */
    @SuppressWarnings("unchecked")
    public static <V> Access<V> access(Class<V> viewType) {
        try {
            Class.forName(viewType.getName(), true, viewType.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
        return (Access<V>) access;
    }
}
