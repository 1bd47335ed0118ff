package io.synod.core.protocol;

import io.synod.core.invariant.InvariantViolation;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Regression: {@code Candidate} once checked "one value per (slot, ballot)" only against the
 * highest vote seen so far for the slot, so two promises disagreeing at a lower ballot went
 * unnoticed when a higher vote for the slot was read first. Such a disagreement is evidence of a
 * reused ballot or broken storage and must stop the candidate.
 */
class CandidateConflictDetectionTest {
    private static final long GROUP = 5;
    private static final Ballot BALLOT = new Ballot(9, 1);

    private static Value value(long id) {
        return new Value.Batch(List.of(new Command(id, new byte[]{(byte) id})));
    }

    @Test
    void twoValuesAtOneBallotAreCaughtEvenWhenAHigherVoteForTheSlotExists() {
        ProtocolConfig config = ProtocolConfig.builder().groupId(GROUP).nodeId(1).members(Set.of(1, 2, 3, 4, 5)).build();
        Candidate candidate = TestLeaders.candidate(config, BALLOT);
        TestLeaders.beginPrepare(candidate, config, BALLOT, 1);
        Ballot low = new Ballot(2, 2);
        Ballot high = new Ballot(3, 3);
        candidate.promised(new Message.Promise(GROUP, 2, 1, BALLOT, 1, List.of(new AcceptedEntry(1, high, value(7))), 0, 0));
        candidate.promised(new Message.Promise(GROUP, 3, 1, BALLOT, 1, List.of(new AcceptedEntry(1, low, value(1))), 0, 0));
        candidate.promised(new Message.Promise(GROUP, 4, 1, BALLOT, 1, List.of(new AcceptedEntry(1, low, value(2))), 0, 0));
        // Ballot 2.2 carried value 1 to node 3 and value 2 to node 4: a ballot was reused.
        assertThrows(InvariantViolation.class,
                () -> candidate.valuesToRepropose(TestLeaders.learner(GROUP, new DurableState(GROUP)), SafetyRules.CORRECT));
    }
}
