package io.synod.core.api;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One membership of a group: the voters (whose majorities choose values and elect leaders), the
 * learners (which receive the log but never vote or lead), and the addresses the log carries for
 * members added by changes ({@code "host:port"}; members the nodes were configured with may have
 * none). Immutable.
 *
 * @param epoch         counts the changes applied: the group starts at epoch 1
 * @param effectiveSlot the first log slot this membership decides
 */
public record GroupMembership(long epoch, Set<Integer> voters, Set<Integer> learners, Map<Integer, String> addresses,
                              long effectiveSlot) {
    public GroupMembership {
        voters = Collections.unmodifiableSet(new TreeSet<>(voters)); // ascending, for people reading them
        learners = Collections.unmodifiableSet(new TreeSet<>(learners));
        addresses = Collections.unmodifiableMap(new TreeMap<>(addresses));
    }

    /** Whether {@code nodeId} is a voter or a learner. */
    public boolean isMember(int nodeId) {
        return voters.contains(nodeId) || learners.contains(nodeId);
    }
}
