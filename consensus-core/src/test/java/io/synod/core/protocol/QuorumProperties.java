package io.synod.core.protocol;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Quorum math checked against a naive brute force over every subset of the members (as etcd-raft's
 * quorum/quick_test.go does): Flexible Paxos is safe only if every phase-1 quorum meets every
 * phase-2 quorum, and {@link Quorum#flexible} must refuse exactly the sizes for which that fails.
 */
class QuorumProperties {

    @Provide
    Arbitrary<Set<Integer>> members() {
        return Arbitraries.integers().between(1, 20).set().ofMinSize(1).ofMaxSize(9);
    }

    @Property
    void flexibleRefusesExactlyTheSizesWhoseQuorumsCanMiss(@ForAll("members") Set<Integer> members,
                                                           @ForAll @IntRange(min = -1, max = 11) int phase1,
                                                           @ForAll @IntRange(min = -1, max = 11) int phase2) {
        int n = members.size();
        boolean sizesInRange = phase1 >= 1 && phase1 <= n && phase2 >= 1 && phase2 <= n;
        // Naive: look for a phase-1-sized and a phase-2-sized subset that are disjoint.
        boolean naiveSafe = sizesInRange && !existDisjointSubsets(n, phase1, phase2);

        Quorum quorum;
        try {
            quorum = Quorum.flexible(members, phase1, phase2);
        } catch (IllegalArgumentException e) {
            assertTrue(!naiveSafe, "refused safe sizes " + phase1 + "/" + phase2 + " of " + members + ": " + e);
            if (sizesInRange) {
                assertTrue(phase1 + phase2 <= n, "sizes in range are refused only when phase1 + phase2 <= n");
                assertTrue(e.getMessage().contains("do not intersect"), e.getMessage());
            } else {
                assertTrue(e.getMessage().contains("between 1 and the member count"), e.getMessage());
            }
            return;
        }
        assertTrue(naiveSafe, "accepted unsafe sizes " + phase1 + "/" + phase2 + " of " + members);
        assertEveryPhase1QuorumMeetsEveryPhase2Quorum(quorum);
    }

    @Property
    void quorumTestsAgreeWithNaiveCounting(@ForAll("members") Set<Integer> members,
                                           @ForAll @IntRange(min = 1, max = 9) int phase1,
                                           @ForAll @IntRange(min = 1, max = 9) int phase2) {
        int n = members.size();
        if (phase1 > n || phase2 > n || phase1 + phase2 <= n) {
            return; // refused; covered above
        }
        Quorum quorum = Quorum.flexible(members, phase1, phase2);
        List<Integer> ids = new ArrayList<>(new TreeSet<>(members));
        for (int mask = 0; mask < (1 << n); mask++) {
            Set<Integer> voters = subset(ids, mask);
            assertEquals(voters.size() >= phase1, quorum.isPhase1Quorum(voters), "phase 1, voters " + voters);
            assertEquals(voters.size() >= phase2, quorum.isPhase2Quorum(voters), "phase 2, voters " + voters);
        }
    }

    @Property
    void anyTwoMajoritiesIntersect(@ForAll("members") Set<Integer> members) {
        Quorum majority = Quorum.majority(members);
        assertEquals(majority.phase1Size(), majority.phase2Size());
        assertTrue(2 * majority.phase1Size() > members.size(), "a majority is more than half");
        assertTrue(2 * (majority.phase1Size() - 1) <= members.size(), "and the smallest such size");
        assertEveryPhase1QuorumMeetsEveryPhase2Quorum(majority);
    }

    @Property
    void nonMembersAreNotCounted(@ForAll("members") Set<Integer> members,
                                 @ForAll("strangers") Set<Integer> strangers,
                                 @ForAll @IntRange(min = 0, max = 511) int mask) {
        Quorum quorum = Quorum.majority(members);
        Set<Integer> voters = subset(new ArrayList<>(new TreeSet<>(members)), mask);
        Set<Integer> withStrangers = new HashSet<>(voters);
        withStrangers.addAll(strangers);
        assertEquals(quorum.isPhase1Quorum(voters), quorum.isPhase1Quorum(withStrangers));
        assertEquals(quorum.isPhase2Quorum(voters), quorum.isPhase2Quorum(withStrangers));
        for (int stranger : strangers) {
            assertTrue(!quorum.isMember(stranger));
        }
    }

    /** Ids outside 1..20, so never members; includes non-positive ids a broken transport might claim. */
    @Provide
    Arbitrary<Set<Integer>> strangers() {
        return Arbitraries.integers().between(-3, 40).filter(id -> id < 1 || id > 20).set().ofMaxSize(9);
    }

    @Property
    void membersAreListedInAscendingOrder(@ForAll("members") Set<Integer> members) {
        Quorum quorum = Quorum.majority(members);
        assertEquals(new ArrayList<>(new TreeSet<>(members)), quorum.members());
        for (int id : members) {
            assertTrue(quorum.isMember(id));
        }
    }

    @Example
    void nonIntersectingSizesAreRefusedWithAMessageSayingWhatToChange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Quorum.flexible(Set.of(1, 2, 3, 4, 5), 3, 2));
        String message = e.getMessage();
        assertTrue(message.contains("do not intersect"), message);
        assertTrue(message.contains("phase-1 quorum 3") && message.contains("phase-2 quorum 2"), message);
        assertTrue(message.contains("must exceed 5") && message.contains("raise either size"), message);
    }

    @Example
    void outOfRangeSizesAreRefusedWithTheAllowedRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Quorum.flexible(Set.of(1, 2, 3), 4, 1));
        assertTrue(e.getMessage().contains("between 1 and the member count 3"), e.getMessage());
        assertTrue(e.getMessage().contains("phase-1 4") && e.getMessage().contains("phase-2 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Quorum.flexible(Set.of(1, 2, 3), 3, 0));
    }

    @Example
    void emptyAndNonPositiveMembersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Quorum.majority(Set.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quorum.majority(Set.of(0, 1, 2)));
        assertTrue(e.getMessage().contains("positive"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Quorum.majority(Set.of(-1, 1, 2)));
    }

    @Example
    void flexiblePaxosTradesALargerPhase1ForASmallerPhase2() {
        Quorum quorum = Quorum.flexible(Set.of(1, 2, 3, 4, 5), 4, 2);
        assertTrue(quorum.isPhase2Quorum(Set.of(1, 5)));
        assertTrue(!quorum.isPhase1Quorum(Set.of(1, 2, 3)));
        assertTrue(quorum.isPhase1Quorum(Set.of(1, 2, 3, 4)));
    }

    // ---- naive reference ----------------------------------------------------------------------

    private static boolean existDisjointSubsets(int n, int size1, int size2) {
        for (int a = 0; a < (1 << n); a++) {
            if (Integer.bitCount(a) != size1) {
                continue;
            }
            for (int b = 0; b < (1 << n); b++) {
                if (Integer.bitCount(b) == size2 && (a & b) == 0) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Brute force: asks the quorum about every subset of members and checks each pair meets. */
    private static void assertEveryPhase1QuorumMeetsEveryPhase2Quorum(Quorum quorum) {
        List<Integer> ids = quorum.members();
        int n = ids.size();
        List<Integer> phase1 = new ArrayList<>();
        List<Integer> phase2 = new ArrayList<>();
        for (int mask = 0; mask < (1 << n); mask++) {
            Set<Integer> voters = subset(ids, mask);
            if (quorum.isPhase1Quorum(voters)) {
                phase1.add(mask);
            }
            if (quorum.isPhase2Quorum(voters)) {
                phase2.add(mask);
            }
        }
        assertTrue(phase1.contains((1 << n) - 1) && phase2.contains((1 << n) - 1), "all members form a quorum");
        for (int a : phase1) {
            for (int b : phase2) {
                if ((a & b) == 0) {
                    fail("phase-1 quorum " + subset(ids, a) + " misses phase-2 quorum " + subset(ids, b) + " in " + quorum);
                }
            }
        }
    }

    private static Set<Integer> subset(List<Integer> ids, int mask) {
        Set<Integer> result = new TreeSet<>();
        for (int i = 0; i < ids.size(); i++) {
            if ((mask & (1 << i)) != 0) {
                result.add(ids.get(i));
            }
        }
        return result;
    }
}
