package io.synod.core.runtime;

import io.synod.core.api.GroupMembership;
import io.synod.core.api.MembershipChangeException;
import io.synod.core.api.MembershipChangeException.Reason;
import io.synod.core.protocol.Membership;
import io.synod.core.protocol.MembershipHistory;
import io.synod.core.protocol.Value;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntPredicate;

/**
 * Turns an operator's request (add a learner, promote it, remove a member) into the membership
 * change to propose, or refuses it with a {@link MembershipChangeException} that says what is wrong
 * and what to do. Pure functions of the membership the leader knows; the log decides in the end.
 */
final class MembershipRequests {
    private MembershipRequests() {
    }

    /** What a leader knows when it checks a request. */
    record LeaderView(long groupId, MembershipHistory history, long firstUnchosenSlot, Map<Integer, Long> progress,
                      IntPredicate reachable) {
        Membership latest() {
            return history.latest();
        }
    }

    /** Refuses any change while a newer membership is chosen but not yet in force. */
    static void requireNoPendingChange(LeaderView view) {
        MembershipHistory history = view.history();
        if (history.latestEffectiveSlot() > view.firstUnchosenSlot()) {
            throw refused(view, Reason.CONCURRENT_CHANGE, "the change to " + describe(history.latest())
                    + " takes effect at slot " + history.latestEffectiveSlot() + " (the log is at slot "
                    + view.firstUnchosenSlot() + "); retry once it is in force, within moments");
        }
    }

    static Value.Reconfigure addLearner(LeaderView view, long requestId, int nodeId, String address) {
        Membership latest = view.latest();
        if (nodeId <= 0 || nodeId > 0xFFFF) {
            throw refused(view, Reason.INVALID, "node ids are between 1 and 65535, got " + nodeId);
        }
        if (latest.isMember(nodeId)) {
            throw refused(view, Reason.ALREADY_MEMBER, "node " + nodeId + " is already a "
                    + (latest.isVoter(nodeId) ? "voter" : "learner") + " (" + describe(latest) + ")");
        }
        Set<Integer> learners = new TreeSet<>(latest.learners());
        learners.add(nodeId);
        return new Value.Reconfigure(requestId, latest.epoch(), new TreeSet<>(latest.voters().members()), learners,
                Map.of(nodeId, address));
    }

    static Value.Reconfigure promote(LeaderView view, long requestId, int nodeId, long maxLagSlots) {
        Membership latest = view.latest();
        if (latest.isVoter(nodeId)) {
            throw refused(view, Reason.ALREADY_MEMBER, "node " + nodeId + " is already a voter (" + describe(latest) + ")");
        }
        if (!latest.learners().contains(nodeId)) {
            throw refused(view, Reason.UNKNOWN_NODE, "node " + nodeId + " is not a learner (" + describe(latest)
                    + "); add it as a learner first");
        }
        Long learnerSlot = view.progress().get(nodeId);
        if (learnerSlot == null) {
            throw refused(view, Reason.NOT_CAUGHT_UP, "learner " + nodeId + " has not answered the leader yet"
                    + " (is it running, and reachable at " + latest.addresses().getOrDefault(nodeId, "its address")
                    + "?); retry once it has caught up");
        }
        long lag = Math.max(0, view.firstUnchosenSlot() - learnerSlot);
        if (lag > maxLagSlots) {
            throw refused(view, Reason.NOT_CAUGHT_UP, "learner " + nodeId + " is " + lag + " slots behind the leader's"
                    + " commit point (it has slots below " + learnerSlot + ", the leader below " + view.firstUnchosenSlot()
                    + "); it is promoted only within " + maxLagSlots + " slots (maxPromotionLagSlots): retry once it has caught up");
        }
        Set<Integer> voters = new TreeSet<>(latest.voters().members());
        voters.add(nodeId);
        Set<Integer> learners = new TreeSet<>(latest.learners());
        learners.remove(nodeId);
        requireReachableQuorum(view, voters, "promoting node " + nodeId);
        return new Value.Reconfigure(requestId, latest.epoch(), voters, learners, Map.of());
    }

    static Value.Reconfigure remove(LeaderView view, long requestId, int nodeId) {
        Membership latest = view.latest();
        if (!latest.isMember(nodeId)) {
            throw refused(view, Reason.UNKNOWN_NODE, "node " + nodeId + " is not a member (" + describe(latest) + ")");
        }
        Set<Integer> voters = new TreeSet<>(latest.voters().members());
        voters.remove(nodeId);
        if (voters.isEmpty()) {
            throw refused(view, Reason.LAST_VOTER, "node " + nodeId + " is the last voter and a group needs at least one;"
                    + " add and promote another node first");
        }
        Set<Integer> learners = new TreeSet<>(latest.learners());
        learners.remove(nodeId);
        if (latest.isVoter(nodeId)) {
            requireReachableQuorum(view, voters, "removing node " + nodeId);
        }
        return new Value.Reconfigure(requestId, latest.epoch(), voters, learners, Map.of());
    }

    /**
     * A change that leaves too few live voters for a majority would stop the group until they come
     * back: refused, so an operator does not remove a live voter while another one is down.
     */
    private static void requireReachableQuorum(LeaderView view, Set<Integer> voters, String what) {
        Set<Integer> live = new TreeSet<>();
        for (int voter : voters) {
            if (view.reachable().test(voter)) {
                live.add(voter);
            }
        }
        int majority = voters.size() / 2 + 1;
        if (live.size() < majority) {
            throw refused(view, Reason.INVALID, what + " would leave voters " + voters + ", of which only " + live
                    + " answer the leader; a quorum needs " + majority + ". Bring the others back (or remove a dead"
                    + " voter first), then retry");
        }
    }

    static GroupMembership view(Membership membership, long effectiveSlot) {
        return new GroupMembership(membership.epoch(), new TreeSet<>(membership.voters().members()), membership.learners(),
                membership.addresses(), effectiveSlot);
    }

    static String describe(Membership m) {
        return "epoch " + m.epoch() + ": voters " + m.voters().members()
                + (m.learners().isEmpty() ? "" : ", learners " + m.learners());
    }

    private static MembershipChangeException refused(LeaderView view, Reason reason, String message) {
        return new MembershipChangeException(view.groupId(), reason, message);
    }
}
