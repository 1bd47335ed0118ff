package io.synod.core.api;

/**
 * A read could not be served within {@link SynodOptions#readTimeoutMillis()}: no leader confirmed
 * it (an election is going on, or this node is cut off from the quorum), or this node has not
 * applied far enough. A read has no effect, so retrying — here or on another node — is always safe.
 */
public final class ReadTimeoutException extends SynodException {
    public ReadTimeoutException(long groupId, long timeoutMillis, String waitingFor) {
        super("group " + groupId + ": read not served within " + timeoutMillis + " ms (waiting for " + waitingFor
                + "); reads have no effect, so it is safe to retry");
    }
}
