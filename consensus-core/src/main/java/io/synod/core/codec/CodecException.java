package io.synod.core.codec;

/** A frame or record that cannot be decoded into a valid protocol value; the message says why. */
public class CodecException extends Exception {
    public CodecException(String message) {
        super(message);
    }

    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
