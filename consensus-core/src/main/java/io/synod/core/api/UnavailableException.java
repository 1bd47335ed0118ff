package io.synod.core.api;

/**
 * This node cannot take proposals for the group right now (its storage is failing writes and it is
 * waiting to recover, or the group halted on a safety check); the command certainly had no effect.
 * Try another node, or retry later.
 */
public final class UnavailableException extends SynodException {
    public UnavailableException(String message) {
        super(message);
    }
}
