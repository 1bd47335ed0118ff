package io.synod.core.protocol;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which sets of acceptors form a phase-1 (prepare/promise) quorum and which a phase-2
 * (accept/accepted) quorum. Safety needs only that every phase-1 quorum intersects every
 * phase-2 quorum (Flexible Paxos); the constructor refuses sizes that do not.
 *
 * <p>Immutable and thread-safe.
 */
public final class Quorum {
    private final List<Integer> members;
    private final int phase1Size;
    private final int phase2Size;

    private Quorum(Set<Integer> members, int phase1Size, int phase2Size) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a quorum needs at least one member");
        }
        for (int id : members) {
            if (id <= 0) {
                throw new IllegalArgumentException("node ids must be positive, got " + id + " in " + members);
            }
        }
        int n = members.size();
        if (phase1Size < 1 || phase1Size > n || phase2Size < 1 || phase2Size > n) {
            throw new IllegalArgumentException("quorum sizes must be between 1 and the member count " + n
                    + ", got phase-1 " + phase1Size + " and phase-2 " + phase2Size);
        }
        if (phase1Size + phase2Size <= n) {
            throw new IllegalArgumentException("phase-1 quorum " + phase1Size + " and phase-2 quorum " + phase2Size
                    + " do not intersect among " + n + " members: their sum must exceed " + n
                    + " (raise either size)");
        }
        this.members = List.copyOf(new TreeSet<>(members));
        this.phase1Size = phase1Size;
        this.phase2Size = phase2Size;
    }

    /** Classic Paxos: both phases need a strict majority. */
    public static Quorum majority(Set<Integer> members) {
        int majority = members.size() / 2 + 1;
        return new Quorum(members, majority, majority);
    }

    /**
     * Flexible Paxos: a larger phase-1 quorum (used only on leader change) buys a smaller
     * phase-2 quorum (used for every command). Rejected unless the two always intersect.
     */
    public static Quorum flexible(Set<Integer> members, int phase1Size, int phase2Size) {
        return new Quorum(members, phase1Size, phase2Size);
    }

    /** Members in ascending node-id order. */
    public List<Integer> members() {
        return members;
    }

    public boolean isMember(int nodeId) {
        return members.contains(nodeId);
    }

    public int phase1Size() {
        return phase1Size;
    }

    public int phase2Size() {
        return phase2Size;
    }

    public boolean isPhase1Quorum(Set<Integer> voters) {
        return countMembers(voters) >= phase1Size;
    }

    public boolean isPhase2Quorum(Set<Integer> voters) {
        return countMembers(voters) >= phase2Size;
    }

    private int countMembers(Set<Integer> voters) {
        int count = 0;
        for (int id : voters) {
            if (members.contains(id)) {
                count++;
            }
        }
        return count;
    }

    @Override
    public String toString() {
        return "Quorum{members=" + members + ", phase1=" + phase1Size + ", phase2=" + phase2Size + "}";
    }
}
