package io.bpfring.decode;

import io.bpfring.BtfException;

/**
 * A type a decoder cannot be built from: no such struct, a member of a kind that has no value
 * (a function, a forward declaration), or a type table whose sizes and offsets contradict each
 * other. Decoding a record never throws it: bad records decode as far as they hold whole fields.
 */
public class DecodeException extends BtfException {
    public DecodeException(String message) {
        super(message);
    }

    public DecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
