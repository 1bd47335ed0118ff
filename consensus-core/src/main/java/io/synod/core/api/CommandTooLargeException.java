package io.synod.core.api;

/** The command is larger than {@code maxCommandBytes}; it was not proposed. */
public final class CommandTooLargeException extends SynodException {
    public CommandTooLargeException(int sizeBytes, int maxCommandBytes) {
        super("command of " + sizeBytes + " bytes exceeds maxCommandBytes (" + maxCommandBytes
                + "): split it, or raise maxCommandBytes together with the transport's maximum frame size");
    }
}
