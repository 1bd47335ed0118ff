package io.synod.core.protocol;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeaderTest {
    private static final long GROUP = 3;
    private static final Ballot BALLOT = new Ballot(4, 1);

    private static ProtocolConfig.Builder config() {
        return ProtocolConfig.builder().groupId(GROUP).nodeId(1).members(Set.of(1, 2, 3));
    }

    private static Command command(long id, int sizeBytes) {
        return new Command(id, new byte[sizeBytes]);
    }

    private static Value batch(Command... commands) {
        return new Value.Batch(List.of(commands));
    }

    private static Outbox outbox() {
        return new Outbox(1, (message, wrote) -> false);
    }

    /** Every message of a step, the ones to self (looped back locally) included. */
    private static List<Message> messages(Outbox out) {
        List<Message> all = new ArrayList<>(out.toReady(1).messages());
        Message local;
        while ((local = out.pollLocal()) != null) {
            all.add(local);
        }
        return all;
    }

    /** The value proposed for each slot in this step (every member gets the same Accept). */
    private static TreeMap<Long, Value> proposals(List<Message> messages) {
        TreeMap<Long, Value> bySlot = new TreeMap<>();
        for (Message m : messages) {
            if (m instanceof Message.Accept a) {
                Value previous = bySlot.put(a.slot(), a.value());
                assertTrue(previous == null || previous.equals(a.value()), "two values for slot " + a.slot());
            }
        }
        return bySlot;
    }

    private static TreeMap<Long, Value> fill(Leader leader, Learner learner, long now) {
        Outbox out = outbox();
        leader.fillPipeline(learner, out, now);
        return proposals(messages(out));
    }

    private static void accepted(Leader leader, Learner learner, int from, Ballot ballot, long slot, long now) {
        leader.onAccepted(new Message.Accepted(GROUP, from, 1, ballot, slot), learner, outbox(), now);
    }

    private static Learner learner() {
        return TestLeaders.learner(GROUP, new DurableState(GROUP));
    }

    @Test
    void batchesHoldAtMostMaxBatchCommands() {
        Leader leader = TestLeaders.leader(config().maxBatchCommands(3).build(), SafetyRules.CORRECT, BALLOT, 1, List.of(), 0);
        Command[] c = new Command[8];
        for (int i = 1; i <= 7; i++) {
            c[i] = command(i, 1);
            assertTrue(leader.offer(c[i], 1, 0));
        }
        TreeMap<Long, Value> proposed = fill(leader, learner(), 0);
        assertEquals(List.of(Value.NOOP, batch(c[1], c[2], c[3]), batch(c[4], c[5], c[6]), batch(c[7])),
                List.copyOf(proposed.values()));
        assertEquals(List.of(1L, 2L, 3L, 4L), List.copyOf(proposed.keySet()));
    }

    @Test
    void batchesHoldAtMostMaxBatchBytesButAnOversizedCommandGetsItsOwnSlot() {
        Leader leader = TestLeaders.leader(config().maxBatchBytes(10).build(), SafetyRules.CORRECT, BALLOT, 1, List.of(Value.NOOP), 0);
        Command a = command(1, 4);
        Command b = command(2, 4);
        Command c = command(3, 4);
        Command huge = command(4, 25);
        Command d = command(5, 3);
        for (Command command : List.of(a, b, c, huge, d)) {
            leader.offer(command, 1, 0);
        }
        TreeMap<Long, Value> proposed = fill(leader, learner(), 0);
        // 4+4 fits in 10 bytes, +4 would not; 25 alone exceeds the limit but must not starve.
        assertEquals(List.of(Value.NOOP, batch(a, b), batch(c), batch(huge), batch(d)), List.copyOf(proposed.values()));
    }

    @Test
    void everyMemberIncludingSelfIsAskedToAccept() {
        Leader leader = TestLeaders.leader(config().build(), SafetyRules.CORRECT, BALLOT, 1, List.of(), 0);
        Learner learner = learner();
        Outbox out = outbox();
        leader.fillPipeline(learner, out, 0);
        List<Message> remote = out.toReady(1).messages();
        Message local = out.pollLocal();
        assertEquals(List.of(new Message.Accept(GROUP, 1, 2, BALLOT, 1, Value.NOOP, 1),
                new Message.Accept(GROUP, 1, 3, BALLOT, 1, Value.NOOP, 1)), remote);
        assertEquals(new Message.Accept(GROUP, 1, 1, BALLOT, 1, Value.NOOP, 1), local, "self's accept loops back");
    }

    @Test
    void pipelineWindowBoundsSlotsInFlight() {
        Leader leader = TestLeaders.leader(config().pipelineWindow(2).maxBatchCommands(1).build(), SafetyRules.CORRECT, BALLOT, 1, List.of(), 0);
        Learner learner = learner();
        for (int i = 1; i <= 5; i++) {
            leader.offer(command(i, 1), 1, 0);
        }
        assertEquals(List.of(1L, 2L), List.copyOf(fill(leader, learner, 0).keySet()));
        assertEquals(List.of(), List.copyOf(fill(leader, learner, 0).keySet()), "window full");

        // Choosing slot 2 first does not help: the window counts from the first unchosen slot.
        accepted(leader, learner, 1, BALLOT, 2, 1);
        accepted(leader, learner, 2, BALLOT, 2, 1);
        assertTrue(learner.isChosen(2));
        assertEquals(List.of(), List.copyOf(fill(leader, learner, 1).keySet()));

        accepted(leader, learner, 1, BALLOT, 1, 2);
        accepted(leader, learner, 3, BALLOT, 1, 2);
        assertEquals(3, learner.firstUnchosenSlot());
        assertEquals(List.of(3L, 4L), List.copyOf(fill(leader, learner, 2).keySet()));
    }

    @Test
    void recoveredValuesAreProposedFirstInOrderFromTheFirstSlot() {
        DurableState state = new DurableState(GROUP);
        for (long slot = 1; slot <= 4; slot++) {
            state.apply(new JournalRecord.ChosenValue(GROUP, slot, Value.NOOP));
        }
        Learner learner = TestLeaders.learner(GROUP, state);
        Value v5 = batch(command(50, 1));
        Value v7 = batch(command(70, 1));
        Leader leader = TestLeaders.leader(config().build(), SafetyRules.CORRECT, BALLOT, 5, List.of(v5, Value.NOOP, v7), 0);
        Command fresh = command(1, 1);
        leader.offer(fresh, 1, 0); // queued before the fill, yet must come after every recovered value

        TreeMap<Long, Value> proposed = fill(leader, learner, 0);
        assertEquals(List.of(5L, 6L, 7L, 8L), List.copyOf(proposed.keySet()));
        assertEquals(List.of(v5, Value.NOOP, v7, batch(fresh)), List.copyOf(proposed.values()));
    }

    @Test
    void recoveredValuesBeyondTheWindowWaitForRoom() {
        Leader leader = TestLeaders.leader(config().pipelineWindow(1).build(), SafetyRules.CORRECT, BALLOT, 1,
                List.of(batch(command(1, 1)), batch(command(2, 1))), 0);
        Learner learner = learner();
        assertEquals(List.of(1L), List.copyOf(fill(leader, learner, 0).keySet()));
        accepted(leader, learner, 1, BALLOT, 1, 1);
        accepted(leader, learner, 2, BALLOT, 1, 1);
        assertEquals(batch(command(2, 1)), fill(leader, learner, 1).get(2L));
    }

    @Test
    void emptyRecoveryProposesOneNoop() {
        Leader leader = TestLeaders.leader(config().build(), SafetyRules.CORRECT, BALLOT, 6, List.of(), 0);
        DurableState state = new DurableState(GROUP);
        for (long slot = 1; slot <= 5; slot++) {
            state.apply(new JournalRecord.ChosenValue(GROUP, slot, Value.NOOP));
        }
        Learner learner = TestLeaders.learner(GROUP, state);
        TreeMap<Long, Value> proposed = fill(leader, learner, 0);
        assertEquals(1, proposed.size());
        assertEquals(Value.NOOP, proposed.get(6L));
        assertEquals(List.of(), List.copyOf(fill(leader, learner, 0).keySet()), "nothing more without commands");
    }

    @Test
    void acceptedFromAPhase2QuorumMakesTheLearnerLearnTheSlot() {
        Value value = batch(command(1, 2));
        Leader leader = TestLeaders.leader(config().build(), SafetyRules.CORRECT, BALLOT, 1, List.of(value), 0);
        Learner learner = learner();
        fill(leader, learner, 0);

        accepted(leader, learner, 2, BALLOT, 1, 1);
        accepted(leader, learner, 2, BALLOT, 1, 1); // a duplicate is still one voter
        assertFalse(learner.isChosen(1), "one vote of three is not a quorum");

        Outbox out = outbox();
        leader.onAccepted(new Message.Accepted(GROUP, 3, 1, BALLOT, 1), learner, out, 1);
        assertTrue(learner.isChosen(1));
        assertEquals(value, learner.chosenValue(1));
        assertEquals(List.of(new JournalRecord.ChosenValue(GROUP, 1, value)), out.toReady(1).records());

        accepted(leader, learner, 1, BALLOT, 1, 2); // a late vote for a chosen slot is harmless
        assertEquals(value, learner.chosenValue(1));
    }

    @Test
    void flexibleQuorumLearnsWithItsPhase2Size() {
        ProtocolConfig config = config().members(Set.of(1, 2, 3, 4, 5)).quorumSizes(4, 2).build();
        Leader leader = TestLeaders.leader(config, SafetyRules.CORRECT, BALLOT, 1, List.of(), 0);
        Learner learner = TestLeaders.learner(config, new DurableState(GROUP));
        fill(leader, learner, 0);
        accepted(leader, learner, 1, BALLOT, 1, 1);
        accepted(leader, learner, 5, BALLOT, 1, 1);
        assertTrue(learner.isChosen(1));
    }

    @Test
    void acceptedWithAnotherBallotIsIgnored() {
        Leader leader = TestLeaders.leader(config().build(), SafetyRules.CORRECT, BALLOT, 1, List.of(), 0);
        Learner learner = learner();
        fill(leader, learner, 0);
        Ballot other = new Ballot(3, 2);
        accepted(leader, learner, 2, other, 1, 1);
        accepted(leader, learner, 3, other, 1, 1);
        accepted(leader, learner, 2, BALLOT.nextFor(2), 1, 1);
        assertFalse(learner.isChosen(1));
    }

    @Test
    void offerBeyondMaxPendingCommandsIsRejectedAsOverloaded() {
        Leader leader = TestLeaders.leader(config().pipelineWindow(1).maxPendingCommands(2).build(), SafetyRules.CORRECT, BALLOT, 1, List.of(), 0);
        fill(leader, learner(), 0); // the no-op fills the window, so commands stay queued
        Command a = command(1, 1);
        Command b = command(2, 1);
        Command c = command(3, 1);
        assertTrue(leader.offer(a, 1, 0));
        assertTrue(leader.offer(b, 2, 7));
        assertFalse(leader.offer(c, 1, 0), "the queue is full");
        assertEquals(List.of(new Leader.Queued(a, 1, 0), new Leader.Queued(b, 2, 7)), leader.drainPending(),
                "the refused command was not queued, and each queued one remembers who proposed it");
        assertTrue(leader.offer(c, 1, 0), "draining made room");
    }

    @Test
    void tickSendsHeartbeatsToOthersAtTheConfiguredInterval() {
        Leader leader = TestLeaders.leader(config().heartbeatIntervalTicks(3).build(), SafetyRules.CORRECT, BALLOT, 1, List.of(), 0);
        Learner learner = learner();
        List<Long> heartbeatTicks = new ArrayList<>();
        for (long now = 1; now <= 9; now++) {
            Outbox out = outbox();
            leader.tick(learner, out, now);
            List<Message.Heartbeat> heartbeats = new ArrayList<>();
            for (Message m : messages(out)) {
                if (m instanceof Message.Heartbeat h) {
                    heartbeats.add(h);
                }
            }
            if (!heartbeats.isEmpty()) {
                heartbeatTicks.add(now);
                long round = heartbeatTicks.size(); // every broadcast is a new read round
                assertEquals(List.of(new Message.Heartbeat(GROUP, 1, 2, BALLOT, 1, round),
                        new Message.Heartbeat(GROUP, 1, 3, BALLOT, 1, round)), heartbeats);
            }
        }
        // A new leader's first tick sends one (the constructor counts as "last heartbeat an interval
        // ago"); after that, heartbeats fall on multiples of the interval, the same ticks for every
        // group of a node, so the runtime can send them to each peer together.
        assertEquals(List.of(1L, 3L, 6L, 9L), heartbeatTicks);
    }

    @Test
    void tickResendsUnansweredAcceptsOnlyToMembersThatHaveNotVoted() {
        Leader leader = TestLeaders.leader(config().retransmitTicks(4).build(), SafetyRules.CORRECT, BALLOT, 1, List.of(), 0);
        Learner learner = learner();
        fill(leader, learner, 0);
        accepted(leader, learner, 2, BALLOT, 1, 1);
        Outbox early = outbox();
        leader.tick(learner, early, 3);
        assertTrue(proposals(messages(early)).isEmpty(), "not due yet");

        Outbox due = outbox();
        leader.tick(learner, due, 4);
        List<Message> accepts = messages(due).stream().filter(m -> m instanceof Message.Accept).toList();
        assertEquals(List.of(new Message.Accept(GROUP, 1, 3, BALLOT, 1, Value.NOOP, 1)), accepts);
    }

    @Test
    void tickReturnsFalseOncePhase2QuorumIsSilentForTheLeaderQuorumTimeout() {
        Leader leader = TestLeaders.leader(config().leaderQuorumTimeoutTicks(10).build(), SafetyRules.CORRECT, BALLOT, 1, List.of(), 0);
        Learner learner = learner();
        for (long now = 1; now <= 9; now++) {
            assertTrue(leader.tick(learner, outbox(), now), "tick " + now);
        }
        assertFalse(leader.tick(learner, outbox(), 10), "nobody heard for 10 ticks");
    }

    @Test
    void repliesOfThisBallotKeepTheLeaderAlive() {
        Leader leader = TestLeaders.leader(config().leaderQuorumTimeoutTicks(10).build(), SafetyRules.CORRECT, BALLOT, 1, List.of(), 0);
        Learner learner = learner();
        leader.onHeartbeatReply(new Message.HeartbeatReply(GROUP, 2, 1, BALLOT, 1, 0, 0), 5);
        leader.onHeartbeatReply(new Message.HeartbeatReply(GROUP, 3, 1, new Ballot(9, 3), 1, 0, 0), 8); // another ballot
        assertTrue(leader.tick(learner, outbox(), 14), "node 2 spoke at 5, and with self that is 2 of 3");
        assertFalse(leader.tick(learner, outbox(), 15));

        fill(leader, learner, 15);
        accepted(leader, learner, 3, BALLOT, 1, 16); // an Accepted of this ballot counts too
        assertTrue(leader.tick(learner, outbox(), 25));
        assertFalse(leader.tick(learner, outbox(), 26));
    }
}
