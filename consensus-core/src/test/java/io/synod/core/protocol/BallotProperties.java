package io.synod.core.protocol;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Negative;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ballot order is what Paxos relies on: total, strict between owners, and bumped by nextFor. */
class BallotProperties {

    /** Small rounds and ids so that equal rounds (the nodeId tie-break) come up often. */
    @Provide
    Arbitrary<Ballot> realBallots() {
        return Combinators.combine(
                Arbitraries.longs().between(1, 6),
                Arbitraries.integers().between(1, 6))
                .as(Ballot::new)
                .injectDuplicates(0.1);
    }

    @Provide
    Arbitrary<Ballot> anyBallots() {
        return Arbitraries.oneOf(Arbitraries.just(Ballot.ZERO), realBallots(),
                Combinators.combine(Arbitraries.longs().between(1, Long.MAX_VALUE - 1),
                        Arbitraries.integers().between(1, Integer.MAX_VALUE)).as(Ballot::new));
    }

    @Property
    void orderIsLexicographicByRoundThenNodeId(@ForAll("anyBallots") Ballot a, @ForAll("anyBallots") Ballot b) {
        int expected = a.round() != b.round()
                ? Long.compare(a.round(), b.round())
                : Integer.compare(a.nodeId(), b.nodeId());
        assertEquals(Integer.signum(expected), Integer.signum(a.compareTo(b)));
        assertEquals(a.compareTo(b) > 0, a.isAbove(b));
        assertEquals(a.compareTo(b) >= 0, a.isAtLeast(b));
    }

    @Property
    void compareToIsAntisymmetricAndConsistentWithEquals(@ForAll("anyBallots") Ballot a, @ForAll("anyBallots") Ballot b) {
        assertEquals(Integer.signum(a.compareTo(b)), -Integer.signum(b.compareTo(a)));
        assertEquals(a.compareTo(b) == 0, a.equals(b));
    }

    @Property
    void compareToIsTransitive(@ForAll("anyBallots") Ballot a, @ForAll("anyBallots") Ballot b,
                               @ForAll("anyBallots") Ballot c) {
        if (a.compareTo(b) <= 0 && b.compareTo(c) <= 0) {
            assertTrue(a.compareTo(c) <= 0, a + " <= " + b + " <= " + c);
        }
        if (a.compareTo(b) < 0 && b.compareTo(c) <= 0) {
            assertTrue(a.compareTo(c) < 0, a + " < " + b + " <= " + c);
        }
    }

    @Property
    void sortingAgreesWithNaiveLexicographicOrder(@ForAll("listsOfBallots") List<Ballot> ballots) {
        List<Ballot> sorted = new ArrayList<>(ballots);
        sorted.sort(Comparator.naturalOrder());
        List<Ballot> naive = new ArrayList<>(ballots);
        naive.sort(Comparator.comparingLong(Ballot::round).thenComparingInt(Ballot::nodeId));
        assertEquals(naive, sorted);
    }

    @Provide
    Arbitrary<List<Ballot>> listsOfBallots() {
        return anyBallots().list().ofMaxSize(20);
    }

    @Property
    void maxReturnsTheGreater(@ForAll("anyBallots") Ballot a, @ForAll("anyBallots") Ballot b) {
        Ballot max = Ballot.max(a, b);
        assertTrue(max.isAtLeast(a) && max.isAtLeast(b));
        assertTrue(max.equals(a) || max.equals(b));
    }

    @Property
    void nextForIsStrictlyAboveForEveryOwner(@ForAll("anyBallots") Ballot ballot,
                                             @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int owner) {
        Ballot next = ballot.nextFor(owner);
        assertTrue(next.isAbove(ballot), next + " should be above " + ballot);
        assertEquals(owner, next.nodeId());
    }

    @Property
    void nextForIsAboveEveryBallotOfTheSameRound(@ForAll("anyBallots") Ballot ballot,
                                                 @ForAll @IntRange(min = 1) int owner,
                                                 @ForAll @IntRange(min = 1) int otherOwner) {
        // A proposer that bumps past the highest ballot it saw outbids every owner of that round.
        if (ballot.round() > 0) {
            assertTrue(ballot.nextFor(owner).isAbove(new Ballot(ballot.round(), otherOwner)));
        }
    }

    @Property
    void ballotsOfDifferentOwnersAreNeverEqual(@ForAll @LongRange(min = 1) long round,
                                               @ForAll @IntRange(min = 1) int owner,
                                               @ForAll @IntRange(min = 1) int otherOwner) {
        if (owner != otherOwner) {
            Ballot a = new Ballot(round, owner);
            Ballot b = new Ballot(round, otherOwner);
            assertNotEquals(a, b);
            assertNotEquals(0, a.compareTo(b));
        }
    }

    @Property
    void zeroIsBelowEveryRealBallot(@ForAll("realBallots") Ballot ballot) {
        assertTrue(ballot.isAbove(Ballot.ZERO));
        assertFalse(Ballot.ZERO.isAtLeast(ballot));
        assertSame(ballot, Ballot.max(Ballot.ZERO, ballot));
    }

    @Property
    void constructorRejectsNegativeRound(@ForAll @Negative long round, @ForAll @IntRange(min = 0) int nodeId) {
        assertThrows(IllegalArgumentException.class, () -> new Ballot(round, nodeId));
    }

    @Property
    void constructorRejectsNegativeNodeId(@ForAll @LongRange(min = 0) long round, @ForAll @Negative int nodeId) {
        assertThrows(IllegalArgumentException.class, () -> new Ballot(round, nodeId));
    }

    @Property
    void constructorRejectsRoundZeroWithANodeId(@ForAll @IntRange(min = 1) int nodeId) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Ballot(0, nodeId));
        assertTrue(e.getMessage().contains("Ballot.ZERO"), e.getMessage());
    }

    @Property
    void constructorRejectsNodeIdZeroWithARound(@ForAll @LongRange(min = 1) long round) {
        assertThrows(IllegalArgumentException.class, () -> new Ballot(round, 0));
    }

    @Example
    void zeroIsTheOnlyBallotWithRoundZero() {
        assertEquals(Ballot.ZERO, new Ballot(0, 0));
    }

    @Example
    void nextForFailsLoudlyInsteadOfWrappingAtTheLastRound() {
        // A wrapped round would be below every earlier ballot and break the order Paxos relies on.
        assertThrows(ArithmeticException.class, () -> new Ballot(Long.MAX_VALUE, 1).nextFor(1));
    }
}
