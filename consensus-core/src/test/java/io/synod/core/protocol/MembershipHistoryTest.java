package io.synod.core.protocol;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MembershipHistoryTest {
    private static final int DELAY = 4;

    private static MembershipHistory threeVoters() {
        return new MembershipHistory(Membership.initial(Quorum.majority(Set.of(1, 2, 3))), DELAY);
    }

    private static Value.Reconfigure change(long expectedEpoch, Set<Integer> voters, Set<Integer> learners) {
        return new Value.Reconfigure(7, expectedEpoch, voters, learners, Map.of(4, "127.0.0.1:7004"));
    }

    private static void foldNoops(MembershipHistory history, long throughSlot) {
        while (history.foldedThrough() < throughSlot) {
            history.fold(history.foldedThrough() + 1, Value.NOOP);
        }
    }

    @Test
    void aChangeChosenInSlotCDecidesSlotsFromCPlusTheDelay() {
        MembershipHistory history = threeVoters();
        foldNoops(history, 9);
        assertNull(history.fold(10, change(1, Set.of(1, 2, 3), Set.of(4))));
        assertEquals(1, history.at(13).epoch());
        assertEquals(2, history.at(14).epoch());
        assertEquals(Set.of(4), history.at(14).learners());
        assertEquals("127.0.0.1:7004", history.at(14).addresses().get(4));
        assertEquals(List.of(history.at(13), history.at(14)), history.inForceBetween(11, 11 + DELAY));
        assertEquals(14, history.latestEffectiveSlot());
    }

    @Test
    void aChangeExpectingAnOldEpochIsChosenButHasNoEffect() {
        MembershipHistory history = threeVoters();
        history.fold(1, change(1, Set.of(1, 2, 3), Set.of(4)));
        foldNoops(history, 10);
        String refusal = history.fold(11, change(1, Set.of(1, 2), Set.of()));
        assertTrue(refusal.contains("changed concurrently") && refusal.contains("epoch 2"), refusal);
        assertEquals(2, history.latest().epoch());
    }

    @Test
    void onlyOneChangeIsPendingAtATime() {
        MembershipHistory history = threeVoters();
        history.fold(1, change(1, Set.of(1, 2, 3), Set.of(4)));
        String refusal = history.fold(2, change(2, Set.of(1, 2, 3, 4), Set.of()));
        assertTrue(refusal.contains("still pending"), refusal);
    }

    @Test
    void aNewVoterMustAlreadyBeAMemberAndTheLastVoterCannotGo() {
        MembershipHistory history = threeVoters();
        assertTrue(history.refusal(change(1, Set.of(1, 2, 9), Set.of()), 1).contains("add it as a learner first"));
        assertTrue(history.refusal(change(1, Set.of(), Set.of(1)), 1).contains("at least one voter"));
        assertTrue(history.refusal(change(1, Set.of(1, 2), Set.of(2)), 1).contains("both a voter and a learner"));
        assertNull(history.refusal(change(1, Set.of(1, 2), Set.of(3)), 1));
    }

    @Test
    void forgettingKeepsTheMembershipInForceAndLaterOnes() {
        MembershipHistory history = threeVoters();
        history.fold(1, change(1, Set.of(1, 2, 3), Set.of(4)));
        foldNoops(history, 20);
        history.forgetBefore(10);
        assertEquals(2, history.at(10).epoch());
        assertEquals(Set.of(1, 2, 3, 4), history.knownNodes());
    }

    @Test
    void encodingRoundTripsAndCorruptBytesAreRefusedWithTheReason() {
        MembershipHistory history = threeVoters();
        history.fold(1, change(1, Set.of(1, 2, 3), Set.of(4)));
        foldNoops(history, 6);
        MembershipHistory decoded = MembershipHistory.decode(history.encode());
        assertEquals(history.foldedThrough(), decoded.foldedThrough());
        assertEquals(history.at(3), decoded.at(3));
        assertEquals(history.at(5), decoded.at(5));
        byte[] bytes = history.encode();
        bytes[0] = 9;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MembershipHistory.decode(bytes))
                .getMessage().contains("unknown format 9"));
        byte[] truncated = java.util.Arrays.copyOf(history.encode(), 20);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> MembershipHistory.decode(truncated))
                .getMessage().contains("truncated"));
    }

    @Test
    void slotsAreFoldedInOrder() {
        MembershipHistory history = threeVoters();
        assertThrows(IllegalStateException.class, () -> history.fold(2, Value.NOOP));
    }
}
