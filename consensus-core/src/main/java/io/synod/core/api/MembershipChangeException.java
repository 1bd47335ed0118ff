package io.synod.core.api;

/**
 * A membership change or leadership transfer was refused; the message says why and what to do.
 * Except for {@link Reason#TRANSFER_NOT_COMPLETED}, the request certainly had no effect.
 */
public final class MembershipChangeException extends SynodException {

    /** Why the request was refused. */
    public enum Reason {
        /** The node named is not a member (or, for a promotion, not a learner). */
        UNKNOWN_NODE,
        /** The node to add is already a member, or the learner to promote is already a voter. */
        ALREADY_MEMBER,
        /** The change would leave the group without a voter. */
        LAST_VOTER,
        /** Another change is in progress (proposed, or chosen and not yet in force), or leadership is being handed over. */
        CONCURRENT_CHANGE,
        /** The learner to promote is too far behind the leader's log (or has not answered it yet). */
        NOT_CAUGHT_UP,
        /** The request is malformed (bad node id, transfer to the leader itself) or had no effect when chosen. */
        INVALID,
        /** The transfer target did not take over in time; this node normally still leads. */
        TRANSFER_NOT_COMPLETED
    }

    private final long groupId;
    private final Reason reason;

    public MembershipChangeException(long groupId, Reason reason, String message) {
        super("group " + groupId + ": " + message);
        this.groupId = groupId;
        this.reason = reason;
    }

    public long groupId() {
        return groupId;
    }

    public Reason reason() {
        return reason;
    }
}
