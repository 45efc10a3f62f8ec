package io.bpfring;

/** BTF or {@code .BTF.ext} that is truncated, corrupt or of a kind this reader does not know. */
public non-sealed class BtfException extends BpfException {
    public BtfException(String message) {
        super(message);
    }

    public BtfException(String message, Throwable cause) {
        super(message, cause);
    }
}
