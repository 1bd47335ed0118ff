package io.synod.core.api;

/** Base of every exception Synod's API reports; the message says what happened and what to do. */
public class SynodException extends RuntimeException {
    public SynodException(String message) {
        super(message);
    }

    public SynodException(String message, Throwable cause) {
        super(message, cause);
    }
}
