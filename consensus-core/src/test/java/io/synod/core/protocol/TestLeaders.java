package io.synod.core.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Builds the protocol's parts the way a replica does, for tests that drive one part alone. */
final class TestLeaders {
    private TestLeaders() {
    }

    static MembershipHistory history(ProtocolConfig config) {
        return new MembershipHistory(config.initialMembership(), config.membershipActivationSlots());
    }

    /** A learner of a three-voter group (the membership matters only to membership changes). */
    static Learner learner(long groupId, DurableState state) {
        return new Learner(groupId, 4_096, state, new MembershipHistory(Membership.initial(Quorum.majority(Set.of(1, 2, 3))), 64));
    }

    static Learner learner(ProtocolConfig config, DurableState state) {
        return new Learner(config.groupId(), config.retainedAppliedSlots(), state, history(config));
    }

    /** A leader that won phase 1 with the initial voters and recovered {@code recovered} from {@code firstSlot} on. */
    static Leader leader(ProtocolConfig config, SafetyRules rules, Ballot ballot, long firstSlot, List<Value> recovered, long now) {
        TreeMap<Long, AcceptedEntry> votes = new TreeMap<>();
        for (int i = 0; i < recovered.size(); i++) {
            votes.put(firstSlot + i, new AcceptedEntry(firstSlot + i, Ballot.ZERO, recovered.get(i)));
        }
        return new Leader(config, rules, ballot, firstSlot, votes, Set.of(1L), learner(config, new DurableState(config.groupId())), now);
    }

    static Candidate candidate(ProtocolConfig config, Ballot ballot) {
        return new Candidate(config, List.of(config.initialMembership()), ballot, false, 0);
    }

    static void beginPrepare(Candidate candidate, ProtocolConfig config, Ballot ballot, long fromSlot) {
        candidate.beginPrepare(ballot, fromSlot, List.of(config.initialMembership()), 0);
    }

    /** Recovered values in slot order. */
    static List<Value> values(Map<Long, AcceptedEntry> recovered) {
        List<Value> values = new ArrayList<>();
        for (AcceptedEntry entry : new TreeMap<>(recovered).values()) {
            values.add(entry.value());
        }
        return values;
    }
}
