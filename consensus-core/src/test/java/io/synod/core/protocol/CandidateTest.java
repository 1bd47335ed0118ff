package io.synod.core.protocol;

import io.synod.core.invariant.InvariantViolation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a new leader must re-propose (Paxos Made Simple, section 2.2, P2c): for each open slot the
 * value of the highest-ballot vote any promise of its phase-1 quorum reported, else a no-op.
 */
class CandidateTest {
    private static final long GROUP = 5;
    private static final Ballot BALLOT = new Ballot(9, 1);

    private static ProtocolConfig fiveNodes() {
        return ProtocolConfig.builder().groupId(GROUP).nodeId(1).members(Set.of(1, 2, 3, 4, 5)).build();
    }

    private static Value value(long id) {
        return new Value.Batch(List.of(new Command(id, new byte[]{(byte) id})));
    }

    private static AcceptedEntry vote(long slot, Ballot ballot, Value value) {
        return new AcceptedEntry(slot, ballot, value);
    }

    /** A candidate in its prepare stage at {@link #BALLOT} for slots from {@code fromSlot}. */
    private static Candidate preparing(long fromSlot) {
        Candidate candidate = TestLeaders.candidate(fiveNodes(), BALLOT);
        TestLeaders.beginPrepare(candidate, fiveNodes(), BALLOT, fromSlot);
        return candidate;
    }

    private static void promise(Candidate candidate, int from, long fromSlot, AcceptedEntry... votes) {
        candidate.promised(new Message.Promise(GROUP, from, 1, BALLOT, fromSlot, List.of(votes), 0, 0));
    }

    private static Learner emptyLearner() {
        return TestLeaders.learner(GROUP, new DurableState(GROUP));
    }

    private static List<Value> repropose(Candidate candidate) {
        return TestLeaders.values(candidate.valuesToRepropose(emptyLearner(), SafetyRules.CORRECT));
    }

    @Test
    void picksTheHighestBallotVoteNotTheMostCommonNorItsOwn() {
        Candidate candidate = preparing(1);
        Ballot low = new Ballot(3, 2);
        Ballot high = new Ballot(4, 3);
        promise(candidate, 1, 1, vote(1, low, value(10)));  // self
        promise(candidate, 2, 1, vote(1, low, value(10)));
        promise(candidate, 3, 1, vote(1, high, value(20))); // the only vote that may have been chosen since `low`
        assertEquals(List.of(value(20)), repropose(candidate));
    }

    @Test
    void highestBallotWinsWhateverOrderThePromisesArriveIn() {
        Candidate candidate = preparing(1);
        promise(candidate, 5, 1, vote(1, new Ballot(2, 5), value(1)));
        promise(candidate, 2, 1, vote(1, new Ballot(7, 2), value(2)));
        promise(candidate, 4, 1, vote(1, new Ballot(7, 1), value(3))); // same round, lower node id
        assertEquals(List.of(value(2)), repropose(candidate));
    }

    @Test
    void fillsHolesWithNoopsUpToTheHighestReportedSlot() {
        Candidate candidate = preparing(2);
        Ballot b = new Ballot(3, 2);
        promise(candidate, 1, 2, vote(2, b, value(2)));
        promise(candidate, 2, 2, vote(5, b, value(5)));
        promise(candidate, 3, 2);
        assertEquals(List.of(value(2), Value.NOOP, Value.NOOP, value(5)), repropose(candidate));
    }

    @Test
    void nothingToReproposeWhenNoPromiseReportsAVote() {
        Candidate candidate = preparing(4);
        promise(candidate, 1, 4);
        promise(candidate, 2, 4);
        promise(candidate, 3, 4);
        assertEquals(List.of(), repropose(candidate));
    }

    @Test
    void ignoresVotesBelowFromSlot() {
        // Slots below fromSlot are already chosen and known; an acceptor may still report old votes.
        Candidate candidate = preparing(3);
        Ballot b = new Ballot(3, 2);
        promise(candidate, 1, 3, vote(1, b, value(1)), vote(2, b, value(2)));
        promise(candidate, 2, 3, vote(4, b, value(4)));
        promise(candidate, 3, 3);
        assertEquals(List.of(Value.NOOP, value(4)), repropose(candidate));
    }

    @Test
    void onlyOldVotesMeanNothingToRepropose() {
        Candidate candidate = preparing(3);
        promise(candidate, 2, 3, vote(2, new Ballot(3, 2), value(2)));
        assertEquals(List.of(), repropose(candidate));
    }

    @Test
    void twoValuesAtTheSameSlotAndBallotAreAnInvariantViolation() {
        Candidate candidate = preparing(1);
        Ballot b = new Ballot(3, 2);
        promise(candidate, 2, 1, vote(6, b, value(1)));
        promise(candidate, 3, 1, vote(6, b, value(2)));
        promise(candidate, 4, 1);
        InvariantViolation e = assertThrows(InvariantViolation.class, () -> repropose(candidate));
        assertTrue(e.getMessage().contains("group 5 slot 6") && e.getMessage().contains(b.toString()), e.getMessage());
    }

    @Test
    void sameValueAtTheSameSlotAndBallotFromSeveralAcceptorsIsFine() {
        Candidate candidate = preparing(1);
        Ballot b = new Ballot(3, 2);
        promise(candidate, 2, 1, vote(1, b, value(1)));
        promise(candidate, 3, 1, vote(1, b, value(1)));
        assertEquals(List.of(value(1)), repropose(candidate));
    }

    @Test
    void aSlotTheLearnerKnowsIsChosenKeepsItsChosenValue() {
        DurableState state = new DurableState(GROUP);
        state.apply(new JournalRecord.ChosenValue(GROUP, 2, value(2)));
        Learner learner = TestLeaders.learner(GROUP, state);
        Candidate candidate = preparing(1);
        Ballot b = new Ballot(3, 2);
        promise(candidate, 1, 1, vote(2, b, value(2)));
        promise(candidate, 2, 1, vote(3, b, value(3)));
        assertEquals(List.of(Value.NOOP, value(2), value(3)), TestLeaders.values(candidate.valuesToRepropose(learner, SafetyRules.CORRECT)));
    }

    @Test
    void promiseQuorumCountsOnlyMembersAndEachMemberOnce() {
        Candidate candidate = preparing(1);
        promise(candidate, 1, 1);
        promise(candidate, 2, 1);
        promise(candidate, 2, 1);
        promise(candidate, 9, 1); // not a member
        assertFalse(candidate.hasPromiseQuorum());
        assertEquals(List.of(3, 4, 5), candidate.silentMembers());
        promise(candidate, 4, 1);
        assertTrue(candidate.hasPromiseQuorum());
    }

    @Test
    void preVoteStageCountsItselfAndAsksTheOthers() {
        Candidate candidate = TestLeaders.candidate(fiveNodes(), BALLOT);
        assertEquals(Candidate.Stage.PRE_VOTE, candidate.stage());
        assertEquals(List.of(2, 3, 4, 5), candidate.silentMembers());
        candidate.preVoteGranted(2);
        assertFalse(candidate.hasPreVoteQuorum());
        candidate.preVoteGranted(3);
        assertTrue(candidate.hasPreVoteQuorum());
    }
}
