package io.synod.core.protocol;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A replica keeps only the last {@code retainedAppliedSlots} applied values (and its votes for them)
 * in memory; older slots are served from the journal and reported in promises.
 */
class EvictionTest {
    private static final long GROUP = 3;
    private static final int RETAINED = 4;
    private static final Ballot OLD = new Ballot(1, 2);

    private static ProtocolConfig config(int nodeId) {
        return ProtocolConfig.builder().groupId(GROUP).nodeId(nodeId).members(Set.of(1, 2, 3))
                .retainedAppliedSlots(RETAINED).catchUpBatchSlots(100).build();
    }

    private static Value value(long slot) {
        return new Value.Batch(List.of(new Command(slot, new byte[]{(byte) slot})));
    }

    /** A replica that voted for and learned slots 1..{@code slots} before it restarted. */
    private static Replica replicaWithChosenSlots(int slots) {
        List<JournalRecord> records = new ArrayList<>();
        for (long slot = 1; slot <= slots; slot++) {
            records.add(new JournalRecord.AcceptedValue(GROUP, slot, OLD, value(slot)));
            records.add(new JournalRecord.ChosenValue(GROUP, slot, value(slot)));
        }
        return new Replica(config(1), DurableState.replay(GROUP, records), bound -> 0);
    }

    @Test
    void theConfigRefusesAnEmptyWindowAndSaysWhatItIs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config(1).toBuilder().retainedAppliedSlots(0).build());
        assertTrue(e.getMessage().contains("retainedAppliedSlots must be >= 1"), e.getMessage());
        assertEquals(RETAINED, config(1).toBuilder().build().retainedAppliedSlots(), "toBuilder keeps the setting");
    }

    @Test
    void aLearnerDropsValuesOlderThanTheWindowOnceAppliedButTheyStayChosen() {
        Learner learner = TestLeaders.learner(config(1), new DurableState(GROUP));
        Outbox out = new Outbox(1, (message, wrote) -> false);
        for (long slot = 1; slot <= 10; slot++) {
            learner.learn(slot, value(slot), out);
        }
        assertEquals(value(1), learner.chosenValue(1), "nothing is evicted before it is applied");
        learner.deliver(out);
        assertEquals(10, out.toReady(1).committed().size(), "every slot is applied, evicted or not");
        assertEquals(6, learner.evictedThrough());
        for (long slot = 1; slot <= 10; slot++) {
            assertTrue(learner.isChosen(slot), "slot " + slot);
            assertEquals(slot <= 6 ? null : value(slot), learner.chosenValue(slot), "slot " + slot);
        }
        Outbox again = new Outbox(1, (message, wrote) -> false);
        learner.learn(3, value(3), again); // a late catch-up reply for an evicted slot
        assertEquals(List.of(), again.toReady(2).records(), "an evicted slot is not learned (or journaled) again");
        assertEquals(List.of(), learner.chosenBetween(1, 7, 100), "memory no longer has slots 1..6");
    }

    @Test
    void aCatchUpRequestForEvictedSlotsBecomesAJournalReadAndTheRestIsServedFromMemory() {
        Replica replica = replicaWithChosenSlots(20);
        replica.start();

        Ready fromJournal = replica.receive(new Message.CatchUpRequest(GROUP, 2, 1, 3, 100));
        assertEquals(List.of(new Ready.JournalRead(2, 3, 17, 100)), fromJournal.journalReads());
        assertTrue(fromJournal.messages().isEmpty(), "the runtime sends the reply once it has read the journal");

        Ready fromMemory = replica.receive(new Message.CatchUpRequest(GROUP, 2, 1, 17, 100));
        assertEquals(List.of(), fromMemory.journalReads());
        Message.CatchUpReply reply = (Message.CatchUpReply) fromMemory.messages().get(0);
        assertEquals(List.of(17L, 18L, 19L, 20L), reply.chosen().stream().map(ChosenEntry::slot).toList());
        assertEquals(0, reply.snapshotSlot());
    }

    @Test
    void aPromiseReportsWhereVotesLeftMemoryInsteadOfOmittingThemSilently() {
        Replica replica = replicaWithChosenSlots(20);
        replica.start();
        for (int i = 0; i < config(1).electionTimeoutTicks(); i++) {
            replica.tick(); // past the restart quarantine
        }
        Ballot ballot = new Ballot(5, 2);
        Ready held = replica.receive(new Message.Prepare(GROUP, 2, 1, ballot, 5));
        Message.Promise promise = (Message.Promise) replica.persisted(held.persistSeq()).messages().stream()
                .filter(m -> m instanceof Message.Promise).findFirst().orElseThrow();
        assertEquals(16, promise.evictedThrough());
        assertEquals(0, promise.compactedThrough());
        assertEquals(List.of(17L, 18L, 19L, 20L), promise.accepted().stream().map(AcceptedEntry::slot).toList(),
                "votes for slots 5..16 left memory; the eviction point stands for them");
    }

    @Test
    void aCandidateBehindAPromisersEvictedVotesGivesUpAndCatchesUpFromIt() {
        Replica candidate = new Replica(config(1), new DurableState(GROUP), bound -> 0);
        candidate.start();
        Message.PreVote preVote = null;
        for (int i = 0; i < 200 && preVote == null; i++) {
            preVote = (Message.PreVote) candidate.tick().messages().stream()
                    .filter(m -> m instanceof Message.PreVote).findFirst().orElse(null);
        }
        Ready preparing = candidate.receive(new Message.PreVoteReply(GROUP, 2, 1, preVote.ballot(), true, Ballot.ZERO));
        Message.Prepare prepare = (Message.Prepare) candidate.persisted(preparing.persistSeq()).messages().stream()
                .filter(m -> m instanceof Message.Prepare).findFirst().orElseThrow();
        assertEquals(Replica.Role.CANDIDATE, candidate.role());

        Ready answered = candidate.receive(new Message.Promise(GROUP, 2, 1, prepare.ballot(), 1, List.of(), 0, 16));
        assertEquals(Replica.Role.FOLLOWER, candidate.role(), "slots 1..16 are chosen; it must not fill them with no-ops");
        assertTrue(answered.snapshotsNeeded().isEmpty(), "the journal has them: no snapshot needed");
        assertEquals(List.of(new Message.CatchUpRequest(GROUP, 1, 2, 1, 17)), answered.messages().stream()
                .filter(m -> m instanceof Message.CatchUpRequest).toList());
        assertFalse(candidate.lastTransition().isEmpty());
    }

    @Test
    void aRestartedReplicaEvictsWhatItRecoveredOnceApplied() {
        Replica replica = replicaWithChosenSlots(20);
        Ready started = replica.start();
        assertEquals(20, started.committed().size());
        Ready ask = replica.receive(new Message.CatchUpRequest(GROUP, 3, 1, 16, 17));
        assertEquals(List.of(new Ready.JournalRead(3, 16, 17, 100)), ask.journalReads());
        assertNull(ask.messages().stream().filter(m -> m instanceof Message.CatchUpReply).findFirst().orElse(null));
    }
}
