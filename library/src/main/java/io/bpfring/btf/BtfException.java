package io.bpfring.btf;

/** BTF or {@code .BTF.ext} that is truncated, corrupt or of a kind this reader does not know. */
public class BtfException extends RuntimeException {
    public BtfException(String message) {
        super(message);
    }

    public BtfException(String message, Throwable cause) {
        super(message, cause);
    }
}
