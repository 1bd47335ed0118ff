package io.synod.testkit.sim;

import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.JournalRecord;
import io.synod.core.protocol.Message;
import io.synod.core.protocol.MembershipHistory;
import io.synod.core.protocol.Value;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Watches a simulated run from outside the replicas and records every safety violation:
 *
 * <ol>
 *   <li><b>ballots only go up</b>: every ballot a node campaigns with (in a PreVote or Prepare) is
 *       above every ballot it prepared with before, in this or any earlier incarnation;</li>
 *   <li><b>one value per ballot</b>: all durable votes for a slot at one ballot are for one value;</li>
 *   <li><b>one value per slot</b>: by Paxos' own definition — a value is chosen once a phase-2
 *       quorum has durably voted for it at one ballot — no slot ever has two chosen values. The
 *       quorum is that of the membership deciding the slot, which this checker derives itself from
 *       the agreed sequence (a change chosen in slot c decides slots from c + activation delay on);</li>
 *   <li><b>only proposed values</b>: every chosen command was proposed by a client (or is a no-op);</li>
 *   <li><b>no hearsay</b>: a replica applies a slot only once the oracle above says it is chosen, and
 *       only that value; and when a replica records that a slot is chosen, the votes durable at that
 *       moment already form a quorum of the slot's membership (checked once that membership is
 *       known) — a replica that concluded early from the wrong quorum is caught even if enough
 *       votes arrive later;</li>
 *   <li><b>one sequence</b>: every replica (every incarnation) applies slots 1, 2, 3, ... of one
 *       sequence, without gaps or reordering;</li>
 *   <li><b>no duplicates</b>: a command appears in two slots only if its client sent it twice;</li>
 *   <li><b>acknowledged means applied</b>: every result a client received is the result of applying
 *       its command at one of its positions in that sequence.</li>
 * </ol>
 */
final class SafetyChecker {
    private final long groupId;
    /** The memberships, folded along the agreed sequence: whose quorum decides each slot. */
    private final MembershipHistory memberships;
    /** Slots with votes whose membership is not known yet (the sequence has not reached them). */
    private final TreeSet<Long> undecided = new TreeSet<>();
    /** A replica's conclusion that a slot is chosen, with the votes for its value durable at that moment. */
    private record Learned(int node, long slot, Value value, Map<Ballot, Set<Integer>> votes) {
    }
    /** Conclusions whose slot's membership is not known yet. */
    private final List<Learned> learnedEarly = new ArrayList<>();
    private final Map<Long, Map<Ballot, Votes>> votes = new HashMap<>();
    private final Map<Long, Value> chosen = new HashMap<>();
    private final Map<Long, Ballot> chosenAt = new HashMap<>();
    private final Map<Long, Command> proposed = new HashMap<>();
    private final Set<Long> resent = new HashSet<>();
    private final TreeMap<Long, Value> sequence = new TreeMap<>();
    private final Map<Long, Long> slotOfCommand = new HashMap<>();
    private final Map<Integer, Long> nextSlotByNode = new HashMap<>();
    private final Map<Long, List<String>> acks = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final Map<Integer, PreparedBallot> highestPrepared = new HashMap<>();
    /** The agreed state after each slot a snapshot was taken at, computed once, incrementally. */
    private final Map<Long, SimMachine> referenceAt = new HashMap<>();
    private final SimModel model;
    private final SimMachine referenceMachine;
    private long referenceSlot;
    private long appliedEntries;

    private record PreparedBallot(Ballot ballot, int incarnation) {
    }

    private static final class Votes {
        final Value value;
        final TreeSet<Integer> voters = new TreeSet<>();

        Votes(Value value) {
            this.value = value;
        }
    }

    SafetyChecker(long groupId, MembershipHistory initial, SimModel model) {
        this.groupId = groupId;
        this.memberships = initial;
        this.model = model;
        this.referenceMachine = model.newMachine();
    }

    boolean failed() {
        return !violations.isEmpty();
    }

    List<String> violations() {
        return violations;
    }

    /** The agreed sequence: the value of every slot some replica applied. */
    TreeMap<Long, Value> sequence() {
        return sequence;
    }

    int chosenSlots() {
        return chosen.size();
    }

    long appliedEntries() {
        return appliedEntries;
    }

    void violation(String format, Object... args) {
        violations.add(String.format(format, args));
    }

    void onProposed(Command command, boolean resend) {
        proposed.put(command.id(), command);
        if (resend) {
            resent.add(command.id());
        }
    }

    /** Every message a replica sends passes here before the network sees it. */
    void onSent(int node, int incarnation, Message message) {
        Ballot campaign;
        if (message instanceof Message.PreVote preVote) {
            campaign = preVote.ballot();
        } else if (message instanceof Message.Prepare prepare) {
            campaign = prepare.ballot();
        } else {
            return;
        }
        PreparedBallot before = highestPrepared.get(node);
        boolean retransmission = message instanceof Message.Prepare && before != null
                && before.ballot().equals(campaign) && before.incarnation() == incarnation;
        if (before != null && !campaign.isAbove(before.ballot()) && !retransmission) {
            violation("node %d (incarnation %d) campaigns with ballot %s, but it prepared ballot %s before"
                    + " (incarnation %d): ballots must be unique and increasing across restarts",
                    node, incarnation, campaign, before.ballot(), before.incarnation());
        }
        if (message instanceof Message.Prepare && (before == null || campaign.isAbove(before.ballot()))) {
            highestPrepared.put(node, new PreparedBallot(campaign, incarnation));
        }
    }

    void onDurable(int node, JournalRecord record) {
        if (!(record instanceof JournalRecord.AcceptedValue vote)) {
            return;
        }
        if (vote.groupId() != groupId) {
            violation("node %d persisted a vote of group %d into group %d", node, vote.groupId(), groupId);
            return;
        }
        Votes atBallot = votes.computeIfAbsent(vote.slot(), s -> new HashMap<>())
                .computeIfAbsent(vote.ballot(), b -> new Votes(vote.value()));
        if (!atBallot.value.equals(vote.value())) {
            violation("slot %d: ballot %s carried two values: %s (voted by %s) and %s (voted by node %d)",
                    vote.slot(), vote.ballot(), atBallot.value, atBallot.voters, vote.value(), node);
            return;
        }
        atBallot.voters.add(node);
        decide(vote.slot(), vote.ballot(), atBallot);
    }

    private void decide(long slot, Ballot ballot, Votes atBallot) {
        if (slot > memberships.foldedThrough() + memberships.activationDelay()) {
            undecided.add(slot);
        } else if (memberships.at(slot).voters().isPhase2Quorum(atBallot.voters)) {
            onChosen(slot, ballot, atBallot.value);
        }
    }

    /** Node {@code node} records that {@code value} is chosen in {@code slot} (a chosen-value journal record). */
    void onLearned(int node, long slot, Value value) {
        Map<Ballot, Set<Integer>> forValue = new HashMap<>();
        for (Map.Entry<Ballot, Votes> atBallot : votes.getOrDefault(slot, Map.of()).entrySet()) {
            if (atBallot.getValue().value.equals(value)) {
                forValue.put(atBallot.getKey(), new TreeSet<>(atBallot.getValue().voters));
            }
        }
        Learned learned = new Learned(node, slot, value, forValue);
        if (slot > memberships.foldedThrough() + memberships.activationDelay()) {
            learnedEarly.add(learned);
        } else {
            checkLearned(learned);
        }
    }

    private void checkLearned(Learned learned) {
        var membership = memberships.at(learned.slot());
        for (Set<Integer> voters : learned.votes().values()) {
            if (membership.voters().isPhase2Quorum(voters)) {
                return;
            }
        }
        violation("node %d concluded %s was chosen in slot %d when its durable votes were %s: not a phase-2 quorum of %s,"
                + " the membership deciding that slot", learned.node(), learned.value(), learned.slot(), learned.votes(), membership);
    }

    /** Folds the agreed sequence into the memberships, and decides the slots whose membership became known. */
    private void advanceMemberships() {
        Value next;
        while ((next = sequence.get(memberships.foldedThrough() + 1)) != null) {
            memberships.fold(memberships.foldedThrough() + 1, next);
        }
        long known = memberships.foldedThrough() + memberships.activationDelay();
        learnedEarly.removeIf(learned -> {
            if (learned.slot() > known) {
                return false;
            }
            checkLearned(learned);
            return true;
        });
        while (!undecided.isEmpty() && undecided.first() <= known) {
            long slot = undecided.pollFirst();
            for (Map.Entry<Ballot, Votes> atBallot : votes.get(slot).entrySet()) {
                decide(slot, atBallot.getKey(), atBallot.getValue());
            }
        }
    }

    private void onChosen(long slot, Ballot ballot, Value value) {
        Value earlier = chosen.get(slot);
        if (earlier == null) {
            chosen.put(slot, value);
            chosenAt.put(slot, ballot);
            checkProposed(slot, value);
        } else if (!earlier.equals(value)) {
            violation("slot %d: two values chosen: %s at ballot %s, then %s at ballot %s",
                    slot, earlier, chosenAt.get(slot), value, ballot);
        }
    }

    private void checkProposed(long slot, Value value) {
        if (value instanceof Value.Batch batch) {
            for (Command command : batch.commands()) {
                Command original = proposed.get(command.id());
                if (original == null || !original.equals(command)) {
                    violation("slot %d: chosen command %d was never proposed by any client", slot, command.id());
                }
            }
        }
    }

    /** Node {@code node} (re)starts; it restored a snapshot covering slots up to {@code snapshotSlot} (0: none). */
    void onRestart(int node, long snapshotSlot, SimMachine restored) {
        nextSlotByNode.put(node, snapshotSlot + 1);
        if (snapshotSlot > 0) {
            checkSnapshot(node, snapshotSlot, restored, "restored");
        }
    }

    /** Node {@code node} took, or installed, a snapshot covering slots up to {@code slot}. */
    void onSnapshot(int node, long slot, SimMachine state, boolean installed) {
        checkSnapshot(node, slot, state, installed ? "installed" : "took");
        if (installed) {
            nextSlotByNode.put(node, Math.max(nextSlotByNode.getOrDefault(node, 1L), slot + 1));
        }
    }

    /** A snapshot at {@code slot} must be the state of applying the agreed sequence up to it. */
    private void checkSnapshot(int node, long slot, SimMachine state, String how) {
        SimMachine reference = referenceAt.get(slot);
        if (reference == null) {
            while (referenceSlot < slot) {
                Value value = sequence.get(referenceSlot + 1);
                if (value == null) {
                    violation("node %d %s a snapshot at slot %d, but slot %d was never applied anywhere",
                            node, how, slot, referenceSlot + 1);
                    return;
                }
                if (value instanceof Value.Batch batch) {
                    batch.commands().forEach(c -> referenceMachine.apply(c.payload()));
                }
                referenceSlot++;
            }
            if (referenceSlot != slot) {
                violation("node %d %s a snapshot at slot %d, older than any taken before", node, how, slot);
                return;
            }
            reference = referenceMachine.copy();
            referenceAt.put(slot, reference);
        }
        if (!reference.sameStateAs(state)) {
            violation("node %d %s a snapshot at slot %d whose state differs from the agreed sequence:%n  snapshot  %s%n  sequence  %s",
                    node, how, slot, state, reference);
        }
    }

    void onApplied(int node, long slot, Value value) {
        long expected = nextSlotByNode.getOrDefault(node, 1L);
        if (slot != expected) {
            violation("node %d applied slot %d but its next slot was %d", node, slot, expected);
            return;
        }
        nextSlotByNode.put(node, slot + 1);
        appliedEntries++;
        advanceMemberships(); // the node applied every slot below this one: its membership is known
        Value chosenValue = chosen.get(slot);
        if (chosenValue == null || !chosenValue.equals(value)) {
            violation("node %d applied %s in slot %d, but the chosen value there is %s (no quorum of durable votes)",
                    node, value, slot, chosenValue);
            return;
        }
        Value inSequence = sequence.putIfAbsent(slot, value);
        if (inSequence == null) {
            recordPositions(slot, value);
        } else if (!inSequence.equals(value)) {
            violation("node %d applied %s in slot %d where others applied %s", node, value, slot, inSequence);
        }
    }

    private void recordPositions(long slot, Value value) {
        if (!(value instanceof Value.Batch batch)) {
            return;
        }
        for (Command command : batch.commands()) {
            Long earlier = slotOfCommand.putIfAbsent(command.id(), slot);
            if (earlier != null && earlier != slot && !resent.contains(command.id())) {
                violation("command %d chosen in slots %d and %d but its client sent it only once",
                        command.id(), earlier, slot);
            }
        }
    }

    void onAck(long commandId, String result) {
        acks.computeIfAbsent(commandId, id -> new ArrayList<>()).add(result);
    }

    /** Replays the agreed sequence and checks every acknowledged result against it. */
    void checkAcknowledgedResults() {
        Map<Long, List<String>> resultsById = new HashMap<>();
        SimMachine machine = model.newMachine();
        for (Map.Entry<Long, Value> entry : sequence.entrySet()) {
            if (entry.getValue() instanceof Value.Batch batch) {
                for (Command command : batch.commands()) {
                    resultsById.computeIfAbsent(command.id(), id -> new ArrayList<>())
                            .add(machine.apply(command.payload()));
                }
            }
        }
        for (Map.Entry<Long, List<String>> ack : acks.entrySet()) {
            List<String> possible = resultsById.get(ack.getKey());
            if (possible == null) {
                violation("command %d was acknowledged but is not in the agreed sequence", ack.getKey());
                continue;
            }
            for (String result : ack.getValue()) {
                if (!possible.contains(result)) {
                    violation("command %d was acknowledged with result '%s', but the agreed sequence gives %s",
                            ack.getKey(), result, possible);
                }
            }
        }
    }
}
