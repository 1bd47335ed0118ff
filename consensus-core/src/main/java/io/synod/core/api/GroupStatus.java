package io.synod.core.api;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A group as one node sees it, from {@link GroupAdmin#status()}. Immutable; a snapshot of a moment.
 *
 * @param nodeId            the node that answered
 * @param leader            the node it believes leads (0 when none is known)
 * @param current           the membership deciding this node's first unchosen slot
 * @param pending           a newer membership, chosen but not yet in force, or null
 * @param firstUnchosenSlot every slot below it is chosen and known to this node
 * @param appliedIndex      commands this node's state machine has applied
 * @param memberProgress    on the leader: each other member's first unchosen slot as it last
 *                          reported it (a member that has not answered yet is absent); empty elsewhere
 */
public record GroupStatus(long groupId, int nodeId, int leader, GroupMembership current, GroupMembership pending,
                          long firstUnchosenSlot, long appliedIndex, Map<Integer, Long> memberProgress) {
    public GroupStatus {
        memberProgress = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(memberProgress));
    }

    /** The leader, if one is known. */
    public OptionalInt leaderId() {
        return leader == 0 ? OptionalInt.empty() : OptionalInt.of(leader);
    }

    public boolean isLeader() {
        return leader == nodeId;
    }

    /** The newest membership known: the pending one if there is one, else the current one. */
    public GroupMembership latest() {
        return Optional.ofNullable(pending).orElse(current);
    }
}
