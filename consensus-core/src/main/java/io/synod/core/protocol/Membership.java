package io.synod.core.protocol;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who takes part in a group from some slot on: the voters (acceptors, whose quorums choose values
 * and elect leaders) and the learners (replicas that receive the log and snapshots but never vote
 * or lead). Each membership has an epoch, counted up by one with every change the log applies.
 * {@code addresses} maps members to network addresses for the runtime (the protocol never reads
 * them); it may be empty when the runtime knows the addresses another way.
 *
 * <p>Immutable and thread-safe.
 */
public final class Membership {
    private final long epoch;
    private final Quorum voters;
    private final Set<Integer> learners;
    private final Map<Integer, String> addresses;

    public Membership(long epoch, Quorum voters, Set<Integer> learners, Map<Integer, String> addresses) {
        if (epoch < 1) {
            throw new IllegalArgumentException("a membership epoch starts at 1, got " + epoch);
        }
        for (int learner : learners) {
            if (learner <= 0) {
                throw new IllegalArgumentException("node ids must be positive, got learner " + learner);
            }
            if (voters.isMember(learner)) {
                throw new IllegalArgumentException("node " + learner + " is both a voter and a learner");
            }
        }
        this.epoch = epoch;
        this.voters = voters;
        this.learners = Collections.unmodifiableSet(new TreeSet<>(learners));
        this.addresses = Collections.unmodifiableMap(new TreeMap<>(addresses));
    }

    /** The membership a group starts with: epoch 1, {@code voters}, no learners. */
    public static Membership initial(Quorum voters) {
        return new Membership(1, voters, Set.of(), Map.of());
    }

    public long epoch() {
        return epoch;
    }

    /** The voters and their quorum sizes. */
    public Quorum voters() {
        return voters;
    }

    /** Non-voting members, ascending. */
    public Set<Integer> learners() {
        return learners;
    }

    /** Known network addresses of members ("host:port"), by node id. */
    public Map<Integer, String> addresses() {
        return addresses;
    }

    public boolean isVoter(int nodeId) {
        return voters.isMember(nodeId);
    }

    public boolean isMember(int nodeId) {
        return voters.isMember(nodeId) || learners.contains(nodeId);
    }

    /** Voters and learners, ascending. */
    public Set<Integer> members() {
        TreeSet<Integer> all = new TreeSet<>(voters.members());
        all.addAll(learners);
        return all;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Membership other && epoch == other.epoch && voters.members().equals(other.voters.members())
                && voters.phase1Size() == other.voters.phase1Size() && voters.phase2Size() == other.voters.phase2Size()
                && learners.equals(other.learners) && addresses.equals(other.addresses);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(epoch) * 31 + voters.members().hashCode() * 7 + learners.hashCode();
    }

    @Override
    public String toString() {
        return "Membership{epoch " + epoch + ", voters " + voters.members()
                + (learners.isEmpty() ? "" : ", learners " + learners) + "}";
    }
}
