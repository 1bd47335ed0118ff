package io.synod.core.protocol;

/**
 * A proposal the protocol refused without ever putting it in a slot, so it certainly had no
 * effect and the caller may retry elsewhere. Refusals of commands this replica forwarded to the
 * leader arrive here too.
 *
 * @param commandId  the refused command's id
 * @param leaderHint the node believed to lead, or 0 when none is known
 * @param refusedBy  the replica that refused it (this one, or the leader a forward went to)
 * @param attempt    for a refused forward, the {@link Message.Forward#attempt() attempt} it refuses:
 *                   only that attempt certainly had no effect, so the caller ignores a refusal of any
 *                   but its latest; 0 when this replica refused its caller's own proposal
 */
public record Rejection(long commandId, Reason reason, int leaderHint, int refusedBy, long attempt) {

    /** A refusal of this replica's caller's own proposal. */
    public static Rejection local(long commandId, Reason reason, int leaderHint, int refusedBy) {
        return new Rejection(commandId, reason, leaderHint, refusedBy, 0);
    }

    public enum Reason {
        /** This replica is not the leader (or stopped being one before the command got a slot). */
        NOT_LEADER,
        /** The leader's queue of commands waiting for a slot is full. */
        OVERLOADED,
        /**
         * A membership change the leader will not propose: another change is in progress, or this one
         * would have no effect ({@link MembershipHistory#refusal} says why).
         */
        MEMBERSHIP_CHANGE_REFUSED
    }
}
