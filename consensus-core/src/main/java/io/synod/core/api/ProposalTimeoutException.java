package io.synod.core.api;

/**
 * No outcome was known within {@code proposalTimeout}. The command may still be chosen and
 * applied later: treat the outcome as unknown (retrying may apply it twice until sessions are used).
 */
public final class ProposalTimeoutException extends SynodException {
    public ProposalTimeoutException(long groupId, long timeoutMillis) {
        super("group " + groupId + ": no outcome within " + timeoutMillis + " ms; the command may or may not be applied");
    }
}
