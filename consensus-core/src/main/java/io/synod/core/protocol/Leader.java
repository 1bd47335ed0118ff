package io.synod.core.protocol;

import io.synod.core.invariant.Invariants;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The leader of one ballot. Phase 1 was won once for all slots of the memberships it knew when
 * elected; it keeps up to {@code pipelineWindow} slots in flight (never beyond the slots whose
 * membership it knows), packs queued commands into batches bounded by count and bytes, resends
 * unanswered accepts, sends heartbeats, and gives up leadership when it has not heard from a
 * phase-2 quorum for {@code leaderQuorumTimeoutTicks}.
 *
 * <h2>New memberships</h2>
 * When the log makes a new membership known, the voters of that membership never promised this
 * ballot, and a lower-ballot leader could still get values chosen by them. So before proposing in
 * its slots, and before serving reads, the leader runs phase 1 again with the new voters (same
 * ballot, from the membership's first slot) and re-proposes what they report, exactly as after
 * an election.
 */
final class Leader implements LeaderReads.Gate {
    private final ProtocolConfig config;
    private final SafetyRules rules;
    private final Ballot ballot;
    private final Learner learner;
    /** Values to propose again in recovered slots (the highest-ballot vote a phase-1 quorum reported). */
    private final TreeMap<Long, AcceptedEntry> recovered = new TreeMap<>();
    /** Every slot up to here may hold a value an earlier leader chose: reads wait until it is chosen again. */
    private long lastRecoveredSlot;
    private final Set<Long> preparedEpochs = new HashSet<>();
    /** Phase 1 with the voters of a membership that became known while leading, by epoch. */
    private final Map<Long, PhaseOne> preparing = new TreeMap<>();
    private final ArrayDeque<Queued> pending = new ArrayDeque<>();
    private Value.Reconfigure pendingChange;
    private int pendingChangeOrigin;
    private final TreeMap<Long, InFlight> inFlight = new TreeMap<>();
    private final Map<Integer, Long> lastHeardTick = new HashMap<>();
    private final Map<Integer, Long> followerFirstUnchosen = new java.util.TreeMap<>();
    private long nextSlot;
    private long lastHeartbeatTick;
    /** Slots up to here hold a vote somewhere; they are proposed (no-ops, if nothing else) so they get decided. */
    private long decideUpTo;
    private final LeaderReads reads;
    /** The replica leadership is being handed to, or 0. */
    private int transferTarget;
    private long transferDeadlineTick;

    /**
     * A command waiting for a slot, the replica that proposed it (this one, or a forwarding
     * follower) and, if forwarded, the forward's attempt (0 otherwise).
     */
    record Queued(Command command, int origin, long attempt) {
    }

    private static final class InFlight {
        final Value value;
        final TreeSet<Integer> voters = new TreeSet<>();
        long lastSentTick;

        InFlight(Value value, long now) {
            this.value = value;
            this.lastSentTick = now;
        }
    }

    private static final class PhaseOne {
        final Membership membership;
        final long fromSlot;
        final TreeSet<Integer> promisers = new TreeSet<>();
        long lastSentTick;

        PhaseOne(Membership membership, long fromSlot, long now) {
            this.membership = membership;
            this.fromSlot = fromSlot;
            this.lastSentTick = now;
        }
    }

    /**
     * @param firstSlot      the candidate's first unchosen slot
     * @param recoveredVotes values to propose again, by slot (from {@code firstSlot} on)
     * @param preparedEpochs the memberships whose phase-1 quorums promised {@code ballot}
     */
    Leader(ProtocolConfig config, SafetyRules rules, Ballot ballot, long firstSlot, Map<Long, AcceptedEntry> recoveredVotes,
           Set<Long> preparedEpochs, Learner learner, long now) {
        this.config = config;
        this.rules = rules;
        this.ballot = ballot;
        this.learner = learner;
        this.nextSlot = firstSlot;
        this.recovered.putAll(recoveredVotes);
        this.preparedEpochs.addAll(preparedEpochs);
        // With nothing to recover, commit an entry of our own ballot right away: it tells followers
        // the commit point and (later) gates linearizable reads after a leader change.
        this.lastRecoveredSlot = recovered.isEmpty() ? firstSlot : recovered.lastKey();
        this.reads = new LeaderReads(config, rules, this);
        for (Membership m : learner.memberships().inForceFrom(learner.firstUnchosenSlot())) {
            for (int member : m.members()) {
                lastHeardTick.put(member, now);
            }
        }
        this.lastHeartbeatTick = now - config.heartbeatIntervalTicks();
    }

    Ballot ballot() {
        return ballot;
    }

    LeaderReads reads() {
        return reads;
    }

    /** End of a step: answers confirmed reads, and broadcasts at once if waiting reads need a round. */
    void serveReads(Learner learner, Outbox out, long now) {
        if (reads.serve(learner, out)) {
            heartbeat(learner, out, now);
            reads.serve(learner, out); // a single-replica quorum confirms at once
        }
    }

    @Override
    public boolean readyForReads(Learner learner) {
        if (learner.firstUnchosenSlot() <= lastRecoveredSlot) {
            return false;
        }
        for (Membership m : learner.memberships().inForceFrom(learner.firstUnchosenSlot())) {
            if (!preparedEpochs.contains(m.epoch())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public List<Quorum> readQuorums() {
        List<Quorum> quorums = new ArrayList<>();
        for (Membership m : learner.memberships().inForceFrom(learner.firstUnchosenSlot())) {
            quorums.add(m.voters());
        }
        return quorums;
    }

    /** Queues a command for a slot; false when the queue is full or leadership is being handed over. */
    boolean offer(Command command, int origin, long attempt) {
        if (pending.size() >= config.maxPendingCommands() || transferTarget != 0) {
            return false;
        }
        pending.add(new Queued(command, origin, attempt));
        return true;
    }

    /**
     * Queues a membership change; refused (null) with the reason when another change is queued, in
     * flight or pending activation, or the change would have no effect.
     */
    String offerChange(Value.Reconfigure change, int origin) {
        if (transferTarget != 0) {
            return "leadership is being handed to node " + transferTarget;
        }
        if (pendingChange != null || changeInFlight()) {
            return "another membership change is in progress";
        }
        String refusal = learner.memberships().refusal(change, Math.max(nextSlot, learner.firstUnchosenSlot()));
        if (refusal != null) {
            return refusal;
        }
        pendingChange = change;
        pendingChangeOrigin = origin;
        return null;
    }

    private boolean changeInFlight() {
        for (InFlight slot : inFlight.values()) {
            if (slot.value instanceof Value.Reconfigure) {
                return true;
            }
        }
        for (AcceptedEntry vote : recovered.values()) {
            if (vote.value() instanceof Value.Reconfigure) {
                return true;
            }
        }
        return false;
    }

    /** Commands that never got a slot; they certainly were not chosen. */
    List<Queued> drainPending() {
        List<Queued> drained = new ArrayList<>(pending);
        pending.clear();
        return drained;
    }

    /** The queued membership change that never got a slot (and its origin), or null; cleared. */
    Value.Reconfigure drainPendingChange() {
        Value.Reconfigure change = pendingChange;
        pendingChange = null;
        return change;
    }

    int pendingChangeOrigin() {
        return pendingChangeOrigin;
    }

    /** Starts phase 1 with the voters of every membership that became known and is not prepared yet. */
    void prepareNewMemberships(Learner learner, Outbox out, long now) {
        MembershipHistory history = learner.memberships();
        for (Membership m : history.inForceFrom(learner.firstUnchosenSlot())) {
            if (preparedEpochs.contains(m.epoch()) || preparing.containsKey(m.epoch())) {
                continue;
            }
            PhaseOne phase = new PhaseOne(m, Math.max(history.effectiveSlot(m), learner.firstUnchosenSlot()), now);
            preparing.put(m.epoch(), phase);
            sendPrepares(phase, out);
        }
        // A change is chosen: fill the slots before it takes effect so it does so promptly.
        if (history.latestEffectiveSlot() > learner.firstUnchosenSlot()) {
            decideUpTo = Math.max(decideUpTo, history.latestEffectiveSlot() - 1);
        }
    }

    private void sendPrepares(PhaseOne phase, Outbox out) {
        for (int voter : phase.membership.voters().members()) {
            if (!phase.promisers.contains(voter)) {
                out.send(new Message.Prepare(config.groupId(), config.nodeId(), voter, ballot, phase.fromSlot, false));
            }
        }
    }

    /**
     * A promise of this ballot from a voter of a membership being prepared. Returns false when the
     * promiser has compacted or evicted slots this leader would need to recover (it must step down
     * and install a snapshot or catch up instead).
     */
    boolean onPromise(Message.Promise promise, Learner learner) {
        boolean relevant = false;
        for (PhaseOne phase : List.copyOf(preparing.values())) {
            if (!phase.membership.isVoter(promise.from()) || promise.fromSlot() != phase.fromSlot) {
                continue;
            }
            if (Math.max(promise.compactedThrough(), promise.evictedThrough()) >= phase.fromSlot) {
                return false; // its votes for slots we must recover are not in the promise
            }
            relevant = true;
            phase.promisers.add(promise.from());
            if (phase.membership.voters().isPhase1Quorum(phase.promisers)) {
                preparing.remove(phase.membership.epoch());
                preparedEpochs.add(phase.membership.epoch());
            }
        }
        if (relevant) {
            for (AcceptedEntry vote : promise.accepted()) {
                recover(vote, learner);
            }
        }
        return true;
    }

    /** Merges a vote reported in phase 1: the highest ballot per slot is proposed again. */
    private void recover(AcceptedEntry vote, Learner learner) {
        if (vote.slot() < nextSlot) {
            return; // proposed at our ballot already, after a phase 1 that covered it
        }
        Value known = learner.chosenValue(vote.slot());
        AcceptedEntry current = recovered.get(vote.slot());
        if (known != null) {
            recovered.put(vote.slot(), new AcceptedEntry(vote.slot(), ballot, known));
        } else if (current == null || vote.ballot().isAbove(current.ballot())) {
            recovered.put(vote.slot(), vote);
        } else if (current.ballot().equals(vote.ballot())) {
            Invariants.check(current.value().equals(vote.value()), "group %d slot %d: ballot %s carried two values: %s and %s",
                    config.groupId(), vote.slot(), vote.ballot(), current.value(), vote.value());
        }
        lastRecoveredSlot = Math.max(lastRecoveredSlot, vote.slot());
    }

    /** Proposes recovered values, then a membership change, then batches of queued commands, while the window has room. */
    void fillPipeline(Learner learner, Outbox out, long now) {
        MembershipHistory history = learner.memberships();
        long limit = learner.firstUnchosenSlot() + (rules.windowStopsAtUnknownMemberships()
                ? Math.min(config.pipelineWindow(), history.activationDelay()) : config.pipelineWindow());
        while (nextSlot < limit) {
            Membership membership = history.at(nextSlot);
            if (!preparedEpochs.contains(membership.epoch())) {
                return; // phase 1 with these voters first
            }
            if (!membership.isVoter(config.nodeId()) && !history.latest().isVoter(config.nodeId())) {
                return; // removed: we hand over rather than lead the new voters (a new voter leads the old ones' last slots)
            }
            Value value;
            AcceptedEntry recoveredVote = recovered.remove(nextSlot);
            if (recoveredVote != null) {
                value = recoveredVote.value();
            } else if (nextSlot <= lastRecoveredSlot) {
                value = Value.NOOP;
            } else if (pendingChange != null && transferTarget == 0) {
                value = pendingChange;
                pendingChange = null;
            } else if (!pending.isEmpty() && transferTarget == 0) {
                value = nextBatch();
            } else if (nextSlot <= decideUpTo) {
                value = Value.NOOP;
            } else {
                return;
            }
            long slot = nextSlot++;
            inFlight.put(slot, new InFlight(value, now));
            for (int member : membership.members()) {
                out.send(accept(member, slot, value, learner));
            }
        }
    }

    void onAccepted(Message.Accepted accepted, Learner learner, Outbox out, long now) {
        if (!accepted.ballot().equals(ballot)) {
            return;
        }
        lastHeardTick.put(accepted.from(), now);
        InFlight slot = inFlight.get(accepted.slot());
        if (slot == null) {
            return;
        }
        slot.voters.add(accepted.from());
        if (learner.memberships().at(accepted.slot()).voters().isPhase2Quorum(slot.voters)) {
            inFlight.remove(accepted.slot());
            learner.learn(accepted.slot(), slot.value, out);
        }
    }

    void onHeartbeatReply(Message.HeartbeatReply reply, long now) {
        if (reply.ballot().equals(ballot)) {
            lastHeardTick.put(reply.from(), now);
            followerFirstUnchosen.put(reply.from(), reply.firstUnchosenSlot());
            decideUpTo = Math.max(decideUpTo, reply.highestVotedSlot());
            reads.onReply(reply.from(), reply.readRound());
        }
    }

    Map<Integer, Long> followerFirstUnchosenSlots() {
        return java.util.Collections.unmodifiableMap(followerFirstUnchosen);
    }

    /** Heartbeats and retransmissions; returns false when a phase-2 quorum has gone quiet. */
    boolean tick(Learner learner, Outbox out, long now) {
        // On ticks that are multiples of the interval, not relative to when this leader was
        // elected: every group a node leads then heartbeats in the same tick, and the runtime can
        // send them to each peer as one message.
        if (now % config.heartbeatIntervalTicks() == 0 || now - lastHeartbeatTick > config.heartbeatIntervalTicks()) {
            heartbeat(learner, out, now);
        }
        for (Map.Entry<Long, InFlight> entry : inFlight.entrySet()) {
            InFlight slot = entry.getValue();
            if (now - slot.lastSentTick < config.retransmitTicks()) {
                continue;
            }
            slot.lastSentTick = now;
            for (int member : learner.memberships().at(entry.getKey()).members()) {
                if (member != config.nodeId() && !slot.voters.contains(member)) {
                    out.send(accept(member, entry.getKey(), slot.value, learner));
                }
            }
        }
        for (PhaseOne phase : preparing.values()) {
            if (now - phase.lastSentTick >= config.retransmitTicks()) {
                phase.lastSentTick = now;
                sendPrepares(phase, out);
            }
        }
        if (transferTarget != 0 && now >= transferDeadlineTick) {
            transferTarget = 0; // the target did not catch up in time: keep leading
        }
        return hearsFromQuorum(learner, now);
    }

    void heartbeat(Learner learner, Outbox out, long now) {
        lastHeartbeatTick = now;
        long round = reads.broadcast(now);
        for (int member : membersFrom(learner)) {
            if (member != config.nodeId()) {
                out.send(new Message.Heartbeat(config.groupId(), config.nodeId(), member, ballot,
                        learner.firstUnchosenSlot(), round));
            }
        }
    }

    /** Every voter and learner of the memberships in force from the first unchosen slot on. */
    private Set<Integer> membersFrom(Learner learner) {
        Set<Integer> members = new TreeSet<>();
        for (Membership m : learner.memberships().inForceFrom(learner.firstUnchosenSlot())) {
            members.addAll(m.members());
        }
        return members;
    }

    /**
     * Hands leadership to {@code target} once it has caught up with every chosen slot; until then
     * (at most an election timeout) no new commands are taken.
     */
    void startTransfer(int target, long now) {
        transferTarget = target;
        transferDeadlineTick = now + config.electionTimeoutTicks();
    }

    int transferTarget() {
        return transferTarget;
    }

    /** Whether the transfer target has every slot this leader has chosen, and nothing is in flight. */
    boolean transferTargetCaughtUp(Learner learner) {
        Long targetSlot = followerFirstUnchosen.get(transferTarget);
        return transferTarget != 0 && inFlight.isEmpty() && recovered.isEmpty()
                && targetSlot != null && targetSlot >= learner.firstUnchosenSlot();
    }

    private boolean hearsFromQuorum(Learner learner, long now) {
        TreeSet<Integer> recent = new TreeSet<>();
        recent.add(config.nodeId());
        for (Map.Entry<Integer, Long> heard : lastHeardTick.entrySet()) {
            if (now - heard.getValue() < config.leaderQuorumTimeoutTicks()) {
                recent.add(heard.getKey());
            }
        }
        return learner.memberships().at(learner.firstUnchosenSlot()).voters().isPhase2Quorum(recent);
    }

    private Value nextBatch() {
        List<Command> batch = new ArrayList<>();
        long bytes = 0;
        while (!pending.isEmpty() && batch.size() < config.maxBatchCommands()) {
            Command next = pending.peek().command();
            if (!batch.isEmpty() && bytes + next.sizeBytes() > config.maxBatchBytes()) {
                break;
            }
            batch.add(pending.poll().command());
            bytes += next.sizeBytes();
        }
        return new Value.Batch(batch);
    }

    private Message.Accept accept(int member, long slot, Value value, Learner learner) {
        return new Message.Accept(config.groupId(), config.nodeId(), member, ballot, slot, value,
                learner.firstUnchosenSlot());
    }
}
