package io.synod.core.protocol;

import io.synod.core.invariant.Invariants;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A replica trying to become leader. First a pre-vote (no state changes anywhere) to learn whether
 * a phase-1 quorum believes no leader is alive; then phase 1 for every slot from its first
 * unchosen one. With a quorum of promises it computes, for each open slot, the value a new leader
 * must re-propose: the highest-ballot vote any promise reported, or a no-op for a hole.
 *
 * <p>The slots a new leader may propose, up to {@code activationDelay} past its first unchosen
 * one, can belong to two memberships (one change pending). Both stages need a quorum of the voters
 * of each membership in force there (its "electorate").
 */
final class Candidate {
    enum Stage { PRE_VOTE, PREPARE }

    private final ProtocolConfig config;
    private List<Membership> electorate;
    private final boolean transfer;
    private Stage stage = Stage.PRE_VOTE;
    private Ballot ballot;
    private long fromSlot;
    private long stageStartedTick;
    private long lastSentTick;
    private final TreeSet<Integer> preVotes = new TreeSet<>();
    private final TreeMap<Integer, Message.Promise> promises = new TreeMap<>();

    /** @param transfer whether the leader handed leadership to this replica (the prepares say so) */
    Candidate(ProtocolConfig config, List<Membership> electorate, Ballot prospectiveBallot, boolean transfer, long now) {
        this.config = config;
        this.electorate = List.copyOf(electorate);
        this.transfer = transfer;
        this.ballot = prospectiveBallot;
        this.stageStartedTick = now;
        this.lastSentTick = now;
        this.preVotes.add(config.nodeId());
    }

    Stage stage() {
        return stage;
    }

    Ballot ballot() {
        return ballot;
    }

    long fromSlot() {
        return fromSlot;
    }

    void preVoteGranted(int from) {
        preVotes.add(from);
    }

    boolean transfer() {
        return transfer;
    }

    boolean hasPreVoteQuorum() {
        return isQuorumOfEach(preVotes);
    }

    private boolean isQuorumOfEach(java.util.Set<Integer> voters) {
        for (Membership m : electorate) {
            if (!m.voters().isPhase1Quorum(voters)) {
                return false;
            }
        }
        return true;
    }

    /** The epochs of the memberships whose voters promised, once there is a promise quorum. */
    java.util.Set<Long> electorateEpochs() {
        java.util.Set<Long> epochs = new java.util.TreeSet<>();
        for (Membership m : electorate) {
            epochs.add(m.epoch());
        }
        return epochs;
    }

    void beginPrepare(Ballot prepareBallot, long firstUnchosenSlot, List<Membership> electorate, long now) {
        this.electorate = List.copyOf(electorate);
        stage = Stage.PREPARE;
        ballot = prepareBallot;
        fromSlot = firstUnchosenSlot;
        stageStartedTick = now;
        lastSentTick = now;
    }

    void promised(Message.Promise promise) {
        promises.put(promise.from(), promise);
    }

    /** Who promised, for logs. */
    java.util.Set<Integer> promisers() {
        return java.util.Collections.unmodifiableSet(promises.keySet());
    }

    boolean hasPromiseQuorum() {
        return isQuorumOfEach(promises.keySet());
    }

    boolean timedOut(long now) {
        return now - stageStartedTick >= config.electionTimeoutTicks();
    }

    boolean retransmitDue(long now) {
        return now - lastSentTick >= config.retransmitTicks();
    }

    void sent(long now) {
        lastSentTick = now;
    }

    /** Voters of the electorate that have not answered the current stage. */
    List<Integer> silentMembers() {
        TreeSet<Integer> voters = new TreeSet<>();
        for (Membership m : electorate) {
            voters.addAll(m.voters().members());
        }
        List<Integer> silent = new ArrayList<>();
        for (int member : voters) {
            boolean answered = stage == Stage.PRE_VOTE ? preVotes.contains(member) : promises.containsKey(member);
            if (!answered) {
                silent.add(member);
            }
        }
        return silent;
    }

    /**
     * The values to propose, at this ballot, by slot from {@code fromSlot} up to the highest one any
     * promise reported a vote for (slots missing here are holes, filled with no-ops). A value known
     * to be chosen is given this ballot, so no later report can displace it.
     */
    Map<Long, AcceptedEntry> valuesToRepropose(Learner learner, SafetyRules rules) {
        TreeMap<Long, AcceptedEntry> highest = highestVotes();
        long lastSlot = highest.isEmpty() ? fromSlot - 1 : highest.lastKey();
        TreeMap<Long, AcceptedEntry> values = new TreeMap<>();
        for (long slot = fromSlot; slot <= lastSlot; slot++) {
            AcceptedEntry top = highest.get(slot);
            Value known = learner.chosenValue(slot);
            if (known != null) {
                // Paxos: every vote at or above the choosing ballot is for the chosen value, and a
                // phase-1 quorum of the slot's membership always holds one such vote. (Beyond the
                // activation window the slot's membership is not known, nor asked.)
                boolean asked = slot < fromSlot + learner.memberships().activationDelay();
                Invariants.check(!asked || (top != null && top.value().equals(known)),
                        "group %d slot %d: chosen %s but the phase-1 quorum's highest vote at ballot %s is %s",
                        config.groupId(), slot, known, ballot, top);
                values.put(slot, new AcceptedEntry(slot, ballot, known));
            } else if (top != null) {
                values.put(slot, new AcceptedEntry(slot, top.ballot(), rules.valueToRepropose(top)));
            } else {
                values.put(slot, new AcceptedEntry(slot, Ballot.ZERO, Value.NOOP));
            }
        }
        return values;
    }

    private record SlotBallot(long slot, Ballot ballot) {
    }

    private TreeMap<Long, AcceptedEntry> highestVotes() {
        TreeMap<Long, AcceptedEntry> highest = new TreeMap<>();
        Map<SlotBallot, Value> valueAtSlotAndBallot = new HashMap<>();
        for (Message.Promise promise : promises.values()) {
            for (AcceptedEntry vote : promise.accepted()) {
                if (vote.slot() < fromSlot) {
                    continue;
                }
                // Every reported (slot, ballot) must carry one value, not only the highest one:
                // a disagreement anywhere is evidence of a reused ballot or of broken storage.
                Value earlier = valueAtSlotAndBallot.putIfAbsent(new SlotBallot(vote.slot(), vote.ballot()), vote.value());
                Invariants.check(earlier == null || earlier.equals(vote.value()),
                        "group %d slot %d: ballot %s carried two values: %s and %s",
                        config.groupId(), vote.slot(), vote.ballot(), earlier, vote.value());
                AcceptedEntry current = highest.get(vote.slot());
                if (current == null || vote.ballot().isAbove(current.ballot())) {
                    highest.put(vote.slot(), vote);
                }
            }
        }
        return highest;
    }
}
