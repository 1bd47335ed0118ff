package io.synod.core.protocol;

import io.synod.core.invariant.InvariantViolation;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LearnerTest {
    private static final long GROUP = 9;

    private static Value value(long id) {
        return new Value.Batch(List.of(new Command(id, new byte[]{(byte) id})));
    }

    private static Outbox outbox() {
        return new Outbox(1, (message, wrote) -> false);
    }

    private static Learner fresh() {
        return TestLeaders.learner(GROUP, new DurableState(GROUP));
    }

    /** Delivers and returns what the application would apply in this step. */
    private static List<ChosenEntry> deliver(Learner learner) {
        Outbox out = outbox();
        learner.deliver(out);
        return out.toReady(1).committed();
    }

    @Test
    void learnsOutOfOrderButDeliversOnlyTheContiguousPrefixInSlotOrder() {
        Learner learner = fresh();
        Outbox out = outbox();
        learner.learn(3, value(3), out);
        learner.learn(2, value(2), out);
        assertEquals(1, learner.firstUnchosenSlot(), "slot 1 is still open");
        assertEquals(List.of(), deliver(learner), "nothing to deliver past a hole");

        learner.learn(1, Value.NOOP, out);
        assertEquals(4, learner.firstUnchosenSlot());
        assertEquals(List.of(new ChosenEntry(1, Value.NOOP), new ChosenEntry(2, value(2)), new ChosenEntry(3, value(3))),
                deliver(learner));
    }

    @Test
    void deliversEachSlotOnce() {
        Learner learner = fresh();
        learner.learn(1, value(1), outbox());
        assertEquals(List.of(new ChosenEntry(1, value(1))), deliver(learner));
        assertEquals(List.of(), deliver(learner));
        learner.learn(2, value(2), outbox());
        assertEquals(List.of(new ChosenEntry(2, value(2))), deliver(learner));
    }

    @Test
    void learningPersistsAChosenRecordOnce() {
        Learner learner = fresh();
        Outbox first = outbox();
        learner.learn(5, value(5), first);
        assertEquals(List.of(new JournalRecord.ChosenValue(GROUP, 5, value(5))), first.toReady(1).records());

        // Re-learning the same value (a retransmitted catch-up, say) is a no-op: no second record.
        Outbox again = outbox();
        learner.learn(5, value(5), again);
        assertEquals(List.of(), again.toReady(1).records());
        assertTrue(learner.isChosen(5));
        assertEquals(value(5), learner.chosenValue(5));
    }

    @Test
    void learningAnotherValueForAChosenSlotIsAnInvariantViolation() {
        Learner learner = fresh();
        learner.learn(4, value(4), outbox());
        InvariantViolation e = assertThrows(InvariantViolation.class, () -> learner.learn(4, Value.NOOP, outbox()));
        assertTrue(e.getMessage().contains("group 9") && e.getMessage().contains("slot 4"), e.getMessage());
        assertEquals(value(4), learner.chosenValue(4), "the chosen value stays");
    }

    @Test
    void unknownSlotsAreNotChosen() {
        Learner learner = fresh();
        assertFalse(learner.isChosen(1));
        assertNull(learner.chosenValue(1));
    }

    @Test
    void chosenBetweenIsHalfOpenInSlotOrderAndSkipsHoles() {
        Learner learner = fresh();
        for (long slot : new long[]{1, 2, 4, 5, 7}) {
            learner.learn(slot, value(slot), outbox());
        }
        assertEquals(List.of(new ChosenEntry(2, value(2)), new ChosenEntry(4, value(4)), new ChosenEntry(5, value(5))),
                learner.chosenBetween(2, 7, 10), "7 is the exclusive end; 3 and 6 are unknown");
        assertEquals(List.of(new ChosenEntry(1, value(1)), new ChosenEntry(2, value(2))),
                learner.chosenBetween(1, 100, 2), "at most max entries, the lowest first");
        assertEquals(List.of(), learner.chosenBetween(5, 5, 10), "empty range");
        assertEquals(List.of(), learner.chosenBetween(6, 2, 10), "reversed range");
        assertEquals(List.of(), learner.chosenBetween(8, 100, 10), "nothing known there");
    }

    @Test
    void recoversChosenValuesFromDurableState() {
        DurableState state = new DurableState(GROUP);
        state.apply(new JournalRecord.ChosenValue(GROUP, 1, value(1)));
        state.apply(new JournalRecord.ChosenValue(GROUP, 2, Value.NOOP));
        state.apply(new JournalRecord.ChosenValue(GROUP, 4, value(4)));
        Learner learner = TestLeaders.learner(GROUP, state);

        assertEquals(3, learner.firstUnchosenSlot());
        assertTrue(learner.isChosen(4));
        // After a restart the application is rebuilt from the recovered prefix, so it is delivered again.
        assertEquals(List.of(new ChosenEntry(1, value(1)), new ChosenEntry(2, Value.NOOP)), deliver(learner));

        Outbox out = outbox();
        learner.learn(3, value(3), out);
        assertEquals(List.of(new JournalRecord.ChosenValue(GROUP, 3, value(3))), out.toReady(1).records());
        assertEquals(List.of(new ChosenEntry(3, value(3)), new ChosenEntry(4, value(4))), deliver(learner));
        assertThrows(InvariantViolation.class, () -> learner.learn(2, value(2), outbox()),
                "a recovered chosen value is as final as a learned one");
    }
}
