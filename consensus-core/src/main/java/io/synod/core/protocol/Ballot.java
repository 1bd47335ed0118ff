package io.synod.core.protocol;

/**
 * A proposal number: ordered by {@code round}, then by {@code nodeId}. Because every proposer
 * embeds its own node id, two proposers never issue the same ballot; because a proposer always
 * picks a round above every ballot it has persisted or seen, its own ballots strictly increase,
 * including across restarts.
 *
 * @param round  the round, 0 only for {@link #ZERO}
 * @param nodeId the proposer that owns this ballot, 0 only for {@link #ZERO}
 */
public record Ballot(long round, int nodeId) implements Comparable<Ballot> {

    /** Below every real ballot: the promise of an acceptor that has promised nothing yet. */
    public static final Ballot ZERO = new Ballot(0, 0);

    public Ballot {
        if (round < 0 || nodeId < 0) {
            throw new IllegalArgumentException("ballot round and node id must be >= 0, got " + round + "." + nodeId);
        }
        if ((round == 0) != (nodeId == 0)) {
            throw new IllegalArgumentException("only Ballot.ZERO may have round 0 or node id 0, got " + round + "." + nodeId);
        }
    }

    /** The smallest ballot owned by {@code owner} that is strictly greater than this one. */
    public Ballot nextFor(int owner) {
        return new Ballot(Math.addExact(round, 1), owner);
    }

    @Override
    public int compareTo(Ballot other) {
        int byRound = Long.compare(round, other.round);
        return byRound != 0 ? byRound : Integer.compare(nodeId, other.nodeId);
    }

    public boolean isAbove(Ballot other) {
        return compareTo(other) > 0;
    }

    public boolean isAtLeast(Ballot other) {
        return compareTo(other) >= 0;
    }

    public static Ballot max(Ballot a, Ballot b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public String toString() {
        return round + "." + nodeId;
    }
}
