package io.synod.core.api;

import java.util.OptionalInt;

/**
 * The command was refused because the replica asked is not the leader (and forwarding is off, or
 * the leader refused it). It certainly had no effect: retry at {@link #leaderHint()}.
 */
public final class NotLeaderException extends SynodException {
    private final long groupId;
    private final int leaderHint;

    public NotLeaderException(long groupId, int askedNode, int leaderHint) {
        super("group " + groupId + ": node " + askedNode + " is not the leader"
                + (leaderHint == 0 ? " and knows of no leader yet; retry shortly" : "; the leader is believed to be node " + leaderHint));
        this.groupId = groupId;
        this.leaderHint = leaderHint;
    }

    public long groupId() {
        return groupId;
    }

    /** The node believed to lead, if any is known. */
    public OptionalInt leaderHint() {
        return leaderHint == 0 ? OptionalInt.empty() : OptionalInt.of(leaderHint);
    }
}
