package io.synod.core.protocol;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The leader of one ballot: phase 2 only (phase 1 was won once for all slots). It keeps up to
 * {@code pipelineWindow} slots in flight, packs queued commands into batches bounded by count and
 * bytes, resends unanswered accepts, sends heartbeats, and gives up leadership when it has not
 * heard from a phase-2 quorum for {@code leaderQuorumTimeoutTicks}.
 */
final class Leader {
    private final ProtocolConfig config;
    private final Ballot ballot;
    private final ArrayDeque<Value> recovered;
    private final ArrayDeque<Queued> pending = new ArrayDeque<>();
    private final TreeMap<Long, InFlight> inFlight = new TreeMap<>();
    private final Map<Integer, Long> lastHeardTick = new HashMap<>();
    private final Map<Integer, Long> followerFirstUnchosen = new java.util.TreeMap<>();
    private long nextSlot;
    private long lastHeartbeatTick;
    /** Slots up to here hold a vote somewhere; they are proposed (no-ops, if nothing else) so they get decided. */
    private long decideUpTo;
    private final LeaderReads reads;

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

    /**
     * @param firstSlot the candidate's first unchosen slot; {@code recovered} holds the values for
     *                  {@code firstSlot, firstSlot + 1, ...}
     */
    Leader(ProtocolConfig config, SafetyRules rules, Ballot ballot, long firstSlot, List<Value> recovered, long now) {
        this.config = config;
        this.ballot = ballot;
        this.nextSlot = firstSlot;
        this.recovered = new ArrayDeque<>(recovered);
        if (this.recovered.isEmpty()) {
            // Commit an entry of our own ballot right away: it tells followers the commit point and
            // (later) gates linearizable reads after a leader change.
            this.recovered.add(Value.NOOP);
        }
        this.reads = new LeaderReads(config, rules, firstSlot + this.recovered.size() - 1);
        for (int member : config.quorum().members()) {
            lastHeardTick.put(member, now);
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

    /** Queues a command for a slot; false when the queue is full. */
    boolean offer(Command command, int origin, long attempt) {
        if (pending.size() >= config.maxPendingCommands()) {
            return false;
        }
        pending.add(new Queued(command, origin, attempt));
        return true;
    }

    /** Commands that never got a slot; they certainly were not chosen. */
    List<Queued> drainPending() {
        List<Queued> drained = new ArrayList<>(pending);
        pending.clear();
        return drained;
    }

    /** Proposes recovered values, then batches of queued commands, while the window has room. */
    void fillPipeline(Learner learner, Outbox out, long now) {
        while (nextSlot - learner.firstUnchosenSlot() < config.pipelineWindow()) {
            Value value;
            if (!recovered.isEmpty()) {
                value = recovered.poll();
            } else if (!pending.isEmpty()) {
                value = nextBatch();
            } else if (nextSlot <= decideUpTo) {
                value = Value.NOOP;
            } else {
                return;
            }
            long slot = nextSlot++;
            inFlight.put(slot, new InFlight(value, now));
            for (int member : config.quorum().members()) {
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
        if (config.quorum().isPhase2Quorum(slot.voters)) {
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
            for (int member : config.quorum().members()) {
                if (member != config.nodeId() && !slot.voters.contains(member)) {
                    out.send(accept(member, entry.getKey(), slot.value, learner));
                }
            }
        }
        return hearsFromQuorum(now);
    }

    void heartbeat(Learner learner, Outbox out, long now) {
        lastHeartbeatTick = now;
        long round = reads.broadcast(now);
        for (int member : config.quorum().members()) {
            if (member != config.nodeId()) {
                out.send(new Message.Heartbeat(config.groupId(), config.nodeId(), member, ballot,
                        learner.firstUnchosenSlot(), round));
            }
        }
    }

    private boolean hearsFromQuorum(long now) {
        TreeSet<Integer> recent = new TreeSet<>();
        recent.add(config.nodeId());
        for (Map.Entry<Integer, Long> heard : lastHeardTick.entrySet()) {
            if (now - heard.getValue() < config.leaderQuorumTimeoutTicks()) {
                recent.add(heard.getKey());
            }
        }
        return config.quorum().isPhase2Quorum(recent);
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
