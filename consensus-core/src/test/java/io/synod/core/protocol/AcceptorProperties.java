package io.synod.core.protocol;

import io.synod.core.invariant.InvariantViolation;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Drives one acceptor with random prepares and accepts and checks, after every step, the rules
 * that make Paxos safe: promises only grow, votes sit at or below the promise and are replaced
 * only by higher ballots, refusals change nothing, and the journal it wrote recovers it exactly.
 */
class AcceptorProperties {
    private static final int MAX_SLOT = 8;

    /**
     * A prepare (phase 1a, {@code slot} is its fromSlot) or an accept (phase 2a). Sender and ballot
     * owner are 1..5, folded into the group's members.
     */
    record Step(boolean isPrepare, int sender, long round, int owner, long slot) {
    }

    record Scenario(int groupSize, int self, long groupId, List<Step> steps) {
        Set<Integer> members() {
            return IntStream.rangeClosed(1, groupSize).boxed().collect(Collectors.toSet());
        }

        int member(int index) {
            return (index - 1) % groupSize + 1;
        }
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Step> steps = Combinators.combine(
                Arbitraries.of(true, false),
                Arbitraries.integers().between(1, 5),
                Arbitraries.longs().between(1, 3),
                Arbitraries.integers().between(1, 5),
                Arbitraries.longs().between(1, MAX_SLOT)).as(Step::new);
        return Combinators.combine(
                Arbitraries.of(3, 5),
                Arbitraries.integers().between(1, 5),
                Arbitraries.longs().between(0, 3),
                steps.list().ofMaxSize(40).map(AcceptorProperties::climbing))
                .as((size, self, group, list) -> new Scenario(size, (self - 1) % size + 1, group, list));
    }

    /**
     * Raises rounds along the sequence, the way ballots climb in a real run, so that steps keep
     * landing near the current promise instead of mostly below it once a high ballot was seen.
     */
    static List<Step> climbing(List<Step> steps) {
        List<Step> result = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            result.add(new Step(s.isPrepare(), s.sender(), s.round() + i / 4, s.owner(), s.slot()));
        }
        return result;
    }

    /**
     * Ballots are never reused, so a ballot carries one value per slot: derive the value from
     * (ballot, slot), mixing no-ops and batches.
     */
    static Value valueFor(Ballot ballot, long slot) {
        if ((ballot.round() + ballot.nodeId() + slot) % 4 == 0) {
            return Value.NOOP;
        }
        long id = ballot.round() * 1000 + ballot.nodeId() * 100 + slot;
        return new Value.Batch(List.of(new Command(id, new byte[]{(byte) id})));
    }

    /**
     * Everything one step produced: records, messages to other nodes ({@code remote}), messages
     * looped back to this node ({@code local}), and what was offered to the durability gate.
     */
    record Effects(List<JournalRecord> records, List<Message> remote, List<Message> local,
                   List<Message> gated, List<Boolean> gatedWrote) {
        List<Message> sent() {
            List<Message> all = new ArrayList<>(remote);
            all.addAll(local);
            return all;
        }
    }

    static final class Harness {
        final ProtocolConfig config;
        final Acceptor acceptor;
        final List<JournalRecord> journal = new ArrayList<>();

        Harness(ProtocolConfig config, DurableState state) {
            this.config = config;
            this.acceptor = new Acceptor(config, state, SafetyRules.CORRECT);
        }

        Effects prepare(int from, Ballot ballot, long fromSlot) {
            return run(out -> acceptor.onPrepare(
                    new Message.Prepare(config.groupId(), from, config.nodeId(), ballot, fromSlot), out));
        }

        Effects accept(int from, Ballot ballot, long slot, Value value, boolean[] voted) {
            return run(out -> voted[0] = acceptor.onAccept(
                    new Message.Accept(config.groupId(), from, config.nodeId(), ballot, slot, value, 1), out));
        }

        private Effects run(Consumer<Outbox> input) {
            List<Message> gated = new ArrayList<>();
            List<Boolean> gatedWrote = new ArrayList<>();
            // "Already durable": the gate records what it was asked about and lets it through.
            Outbox out = new Outbox(config.nodeId(), (message, wrote) -> {
                gated.add(message);
                gatedWrote.add(wrote);
                return false;
            });
            input.accept(out);
            Ready ready = out.toReady(1);
            List<Message> local = new ArrayList<>();
            Message looped;
            while ((looped = out.pollLocal()) != null) { // replies to ourselves loop back locally
                assertEquals(config.nodeId(), looped.to());
                local.add(looped);
            }
            for (Message message : ready.messages()) {
                assertTrue(message.to() != config.nodeId(), "a message to self left the node: " + message);
            }
            journal.addAll(ready.records());
            return new Effects(ready.records(), ready.messages(), local, gated, gatedWrote);
        }

        TreeMap<Long, AcceptedEntry> votes() {
            TreeMap<Long, AcceptedEntry> votes = new TreeMap<>();
            for (long slot = 0; slot <= MAX_SLOT + 1; slot++) {
                AcceptedEntry vote = acceptor.vote(slot);
                if (vote != null) {
                    votes.put(slot, vote);
                }
            }
            return votes;
        }
    }

    static ProtocolConfig config(Scenario scenario) {
        return ProtocolConfig.builder().groupId(scenario.groupId()).nodeId(scenario.self())
                .members(scenario.members()).build();
    }

    @Property
    void randomPreparesAndAcceptsKeepTheAcceptorRules(@ForAll("scenarios") Scenario scenario) {
        ProtocolConfig config = config(scenario);
        Harness h = new Harness(config, new DurableState(config.groupId()));
        for (Step step : scenario.steps()) {
            Ballot promisedBefore = h.acceptor.promised();
            TreeMap<Long, AcceptedEntry> votesBefore = h.votes();
            int from = scenario.member(step.sender());
            Ballot ballot = new Ballot(step.round(), scenario.member(step.owner()));

            if (step.isPrepare()) {
                checkPrepare(h, from, ballot, step.slot(), promisedBefore, votesBefore);
            } else {
                checkAccept(h, from, ballot, step.slot(), promisedBefore, votesBefore);
            }

            TreeMap<Long, AcceptedEntry> votesAfter = h.votes();
            assertTrue(h.acceptor.promised().isAtLeast(promisedBefore), "promise decreased");
            for (AcceptedEntry vote : votesAfter.values()) {
                assertTrue(h.acceptor.promised().isAtLeast(vote.ballot()), "vote " + vote + " above promise");
            }
            for (var before : votesBefore.entrySet()) {
                AcceptedEntry after = votesAfter.get(before.getKey());
                assertTrue(after != null, "vote for slot " + before.getKey() + " vanished");
                assertTrue(after.equals(before.getValue()) || after.ballot().isAbove(before.getValue().ballot()),
                        "vote " + before.getValue() + " replaced by " + after);
            }
            assertRecoversExactly(h);
        }
        // Guard against a generator that only ever produces refusals: every case must come up.
        Statistics.label("outcome").coverage(c -> {
            for (String outcome : List.of("prepare refused", "new promise", "same promise", "accept refused",
                    "first vote", "vote replaced", "retransmission")) {
                c.check(outcome).count(n -> n > 0);
            }
        });
    }

    private static void checkPrepare(Harness h, int from, Ballot ballot, long fromSlot,
                                     Ballot promisedBefore, TreeMap<Long, AcceptedEntry> votesBefore) {
        Effects effects = h.prepare(from, ballot, fromSlot);
        assertEquals(1, effects.sent().size(), "one reply per prepare: " + effects.sent());
        Message reply = effects.sent().get(0);
        if (!ballot.isAtLeast(promisedBefore)) {
            assertRefused(h, reply, effects, from, ballot, promisedBefore, votesBefore);
            Statistics.label("outcome").collect("prepare refused");
            return;
        }
        Statistics.label("outcome").collect(ballot.isAbove(promisedBefore) ? "new promise" : "same promise");
        assertEquals(ballot, h.acceptor.promised());
        // A record only for a new promise; re-promising the same ballot is already durable.
        List<JournalRecord> expectedRecords = ballot.isAbove(promisedBefore)
                ? List.of(new JournalRecord.PromisedBallot(h.config.groupId(), ballot)) : List.of();
        assertEquals(expectedRecords, effects.records());
        List<AcceptedEntry> expectedVotes = new ArrayList<>(votesBefore.tailMap(fromSlot, true).values());
        assertEquals(new Message.Promise(h.config.groupId(), h.config.nodeId(), from, ballot, fromSlot, expectedVotes, 0, 0),
                reply);
        assertReplyWentThroughTheGate(reply, effects);
        assertEquals(votesBefore, h.votes(), "a prepare changes no vote");
    }

    private static void checkAccept(Harness h, int from, Ballot ballot, long slot,
                                    Ballot promisedBefore, TreeMap<Long, AcceptedEntry> votesBefore) {
        Value value = valueFor(ballot, slot);
        boolean[] voted = new boolean[1];
        Effects effects = h.accept(from, ballot, slot, value, voted);
        assertEquals(1, effects.sent().size(), "one reply per accept: " + effects.sent());
        Message reply = effects.sent().get(0);
        if (!ballot.isAtLeast(promisedBefore)) {
            assertFalse(voted[0]);
            assertRefused(h, reply, effects, from, ballot, promisedBefore, votesBefore);
            Statistics.label("outcome").collect("accept refused");
            return;
        }
        assertTrue(voted[0]);
        AcceptedEntry vote = new AcceptedEntry(slot, ballot, value);
        assertEquals(vote, h.acceptor.vote(slot));
        assertEquals(Ballot.max(promisedBefore, ballot), h.acceptor.promised());
        boolean retransmission = vote.equals(votesBefore.get(slot));
        Statistics.label("outcome").collect(retransmission ? "retransmission"
                : votesBefore.containsKey(slot) ? "vote replaced" : "first vote");
        assertEquals(retransmission ? List.of()
                        : List.of(new JournalRecord.AcceptedValue(h.config.groupId(), slot, ballot, value)),
                effects.records());
        assertEquals(new Message.Accepted(h.config.groupId(), h.config.nodeId(), from, ballot, slot), reply);
        assertReplyWentThroughTheGate(reply, effects);
        TreeMap<Long, AcceptedEntry> othersBefore = new TreeMap<>(votesBefore);
        othersBefore.remove(slot);
        TreeMap<Long, AcceptedEntry> othersAfter = h.votes();
        othersAfter.remove(slot);
        assertEquals(othersBefore, othersAfter, "an accept touches only its own slot");
    }

    /** A refusal is a Nack carrying the current promise, sent at once, and changes nothing. */
    private static void assertRefused(Harness h, Message reply, Effects effects, int from, Ballot ballot,
                                      Ballot promisedBefore, TreeMap<Long, AcceptedEntry> votesBefore) {
        assertEquals(new Message.Nack(h.config.groupId(), h.config.nodeId(), from, ballot, promisedBefore,
                Message.NackReason.PROMISED_HIGHER), reply);
        assertEquals(List.of(), effects.records());
        assertEquals(List.of(), effects.gated(), "a nack reports no new state, so it need not wait");
        assertEquals(promisedBefore, h.acceptor.promised());
        assertEquals(votesBefore, h.votes());
    }

    /** Promise and Accepted report durable state: they must be offered to the gate, with this step's records. */
    private static void assertReplyWentThroughTheGate(Message reply, Effects effects) {
        assertEquals(List.of(reply), effects.gated());
        assertEquals(List.of(!effects.records().isEmpty()), effects.gatedWrote());
    }

    private static void assertRecoversExactly(Harness h) {
        DurableState replayed = DurableState.replay(h.config.groupId(), h.journal);
        assertEquals(h.acceptor.promised(), replayed.promised(), "recovered promise");
        assertEquals(h.votes(), new TreeMap<>(replayed.accepted()), "recovered votes");
        Harness recovered = new Harness(h.config, replayed);
        assertEquals(h.acceptor.promised(), recovered.acceptor.promised());
        assertEquals(h.votes(), recovered.votes());
    }

    // ---- examples -------------------------------------------------------------------------------

    private static ProtocolConfig threeNodes() {
        return ProtocolConfig.builder().groupId(7).nodeId(1).members(Set.of(1, 2, 3)).build();
    }

    @Example
    void sameBallotWithAnotherValueForAVotedSlotIsAnInvariantViolation() {
        Harness h = new Harness(threeNodes(), new DurableState(7));
        Ballot ballot = new Ballot(2, 2);
        h.accept(2, ballot, 3, Value.NOOP, new boolean[1]);
        Value other = new Value.Batch(List.of(new Command(9, new byte[]{1})));
        InvariantViolation e = assertThrows(InvariantViolation.class,
                () -> h.accept(2, ballot, 3, other, new boolean[1]));
        assertTrue(e.getMessage().contains("group 7 slot 3"), e.getMessage());
    }

    @Example
    void recoveredAcceptorStartsFromItsDurablePromiseAndVotes() {
        DurableState state = new DurableState(7);
        state.apply(new JournalRecord.AcceptedValue(7, 4, new Ballot(2, 3), Value.NOOP));
        state.apply(new JournalRecord.PromisedBallot(7, new Ballot(3, 2)));
        Harness h = new Harness(threeNodes(), state);
        assertEquals(new Ballot(3, 2), h.acceptor.promised());
        assertEquals(new AcceptedEntry(4, new Ballot(2, 3), Value.NOOP), h.acceptor.vote(4));
        assertNull(h.acceptor.vote(3));
        // The recovered promise is binding: an accept below it is refused.
        Effects effects = h.accept(3, new Ballot(2, 3), 5, Value.NOOP, new boolean[1]);
        assertTrue(effects.sent().get(0) instanceof Message.Nack);
    }

    @Example
    void repliesToSelfLoopBackInsteadOfLeaving() {
        Harness h = new Harness(threeNodes(), new DurableState(7));
        Effects toSelf = h.prepare(1, new Ballot(1, 1), 1);
        assertEquals(List.of(), toSelf.remote());
        assertEquals(1, toSelf.local().size());
        Effects toPeer = h.prepare(2, new Ballot(1, 2), 1);
        assertEquals(List.of(), toPeer.local());
        assertEquals(2, toPeer.remote().get(0).to());
    }
}
