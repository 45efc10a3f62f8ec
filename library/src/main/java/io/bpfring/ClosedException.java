package io.bpfring;

/**
 * An object was used after it was closed: a reader, a writer, a ring, a map or a program. An
 * {@link IllegalStateException}, as {@link java.nio.channels.ClosedSelectorException} is, since
 * it is the caller's mistake; for why it is not a {@link BpfException}, see there.
 */
public final class ClosedException extends IllegalStateException {
    /** @param message what is closed, such as {@code the reader is closed} */
    public ClosedException(String message) {
        super(message);
    }
}
