package io.synod.core.api;

/**
 * The client session no longer exists: it was closed, or it expired after more than its
 * {@code maxIdleEntries} commands of the group were applied without one of its own. The command
 * was not applied; open a new session.
 */
public final class SessionExpiredException extends SynodException {
    private final long clientId;

    public SessionExpiredException(long groupId, long clientId) {
        super("group " + groupId + ": session " + clientId + " expired or was closed; the command was not applied."
                + " Open a new session (and consider a larger maxIdleEntries)");
        this.clientId = clientId;
    }

    public long clientId() {
        return clientId;
    }
}
