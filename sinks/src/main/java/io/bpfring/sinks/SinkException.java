package io.bpfring.sinks;

/**
 * A sink that cannot be used as asked: a URI that does not parse, a broker that does not answer,
 * a topic that does not exist, a file that cannot be written. Its message is one line that names
 * the sink and says what to do, for a tool to print as it is before tracing starts.
 */
public final class SinkException extends RuntimeException {
    public SinkException(String message) {
        super(oneLine(message));
    }

    public SinkException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
