package io.synod.core.protocol;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One leadership's linearizable reads, without writing to the log.
 *
 * <h2>Read index</h2>
 * A read that arrives when the leader has learned every slot below {@code firstUnchosen} gets
 * index {@code firstUnchosen - 1}, and is confirmed once a phase-2 quorum has answered a heartbeat
 * broadcast sent after it arrived (each broadcast carries a round number that replies echo).
 * Why that is linearizable: any write acknowledged before the read arrived was chosen before, so
 * it is at or below the index (if this leader chose it, it learned it; if an earlier leader did,
 * it is among the slots this leader recovered, see below). And no later leader had chosen
 * anything when the quorum answered: a later leader needs promises from a phase-1 quorum, which
 * shares a member with the answering phase-2 quorum, and that member answered this ballot's
 * heartbeat, so it had not promised a higher ballot yet. Writes chosen after that are concurrent
 * with the read and may be ordered after it.
 *
 * <h2>A new leader's first reads</h2>
 * A leader knows the slots earlier leaders may have chosen only once it has chosen every slot it
 * recovered in phase 1 again (its first own-ballot entry is at the end of them). Reads wait for
 * that; until then its commit point may lag a write an earlier leader acknowledged.
 *
 * <h2>Lease</h2>
 * The send tick of the last confirmed round starts a lease of {@link ProtocolConfig#leaseTicks()}
 * during which the leader may serve reads from its own state at once (see there for the argument
 * and its clock assumption). The driver checks the lease against its own monotonic clock, which
 * keeps running while the process stalls; tick counts alone do not.
 *
 * <p>Rounds are pipelined: while one round is unconfirmed, new reads wait for the next, which
 * is sent when the current one is confirmed (or with the next regular heartbeat).
 */
final class LeaderReads {

    /** A read waiting for its round; {@code round} 0 means it has no index yet (recovered slots not chosen). */
    private record Pending(long readId, int origin, long index, long round) {
    }

    /** What reads wait for, and whose quorums confirm them: the leader's business. */
    interface Gate {
        /**
         * Whether every slot an earlier leader may have chosen is chosen again at this ballot, and the
         * voters of every membership in force from the first unchosen slot on have promised it.
         */
        boolean readyForReads(Learner learner);

        /** The quorums a read round must reach: of every membership in force from the first unchosen slot on. */
        List<Quorum> readQuorums();
    }

    private final ProtocolConfig config;
    private final SafetyRules rules;
    private final Gate gate;
    private long round;
    private long confirmedRound;
    private final Map<Integer, Long> echoed = new HashMap<>();
    /** {round, tick sent} of broadcasts not yet confirmed, oldest first. */
    private final ArrayDeque<long[]> unconfirmed = new ArrayDeque<>();
    private long leaseSinceTick = -1;
    private final ArrayDeque<Pending> waitingForRecovery = new ArrayDeque<>();
    private final ArrayDeque<Pending> waitingForRound = new ArrayDeque<>();

    LeaderReads(ProtocolConfig config, SafetyRules rules, Gate gate) {
        this.config = config;
        this.rules = rules;
        this.gate = gate;
    }

    private boolean recovered(Learner learner) {
        return !rules.readsWaitForRecoveredSlots() || gate.readyForReads(learner);
    }

    /** A read arrives from {@code origin} (this replica's caller, or a follower). */
    void request(long readId, int origin) {
        waitingForRecovery.add(new Pending(readId, origin, 0, 0));
    }

    /**
     * At the end of every step: gives waiting reads their index once the recovered slots are
     * chosen, answers confirmed ones, and says whether a broadcast must go out now for the rest.
     */
    boolean serve(Learner learner, Outbox out) {
        if (!waitingForRecovery.isEmpty() && recovered(learner)) {
            long index = learner.firstUnchosenSlot() - 1;
            for (Pending p : waitingForRecovery) {
                waitingForRound.add(new Pending(p.readId(), p.origin(), index,
                        rules.readsWaitForQuorumRound() ? round + 1 : confirmedRound));
            }
            waitingForRecovery.clear();
        }
        answerConfirmed(out);
        return !waitingForRound.isEmpty() && confirmedRound == round;
    }

    /** The leader is broadcasting a heartbeat at {@code now}; returns the round it carries. */
    long broadcast(long now) {
        round++;
        unconfirmed.add(new long[] {round, now});
        recompute();
        return round;
    }

    /** A follower answered the heartbeat of {@code echoedRound}. */
    void onReply(int from, long echoedRound) {
        echoed.merge(from, echoedRound, Math::max);
        recompute();
    }

    /**
     * Confirmed round = the highest round that a phase-2 quorum (this leader included, if it votes)
     * of every membership in force has echoed.
     */
    private void recompute() {
        long candidate = round;
        for (Quorum quorum : gate.readQuorums()) {
            candidate = Math.min(candidate, echoedByQuorum(quorum));
        }
        if (candidate <= confirmedRound) {
            return;
        }
        confirmedRound = candidate;
        while (!unconfirmed.isEmpty() && unconfirmed.peek()[0] <= confirmedRound) {
            long[] sent = unconfirmed.poll();
            if (sent[0] == confirmedRound) {
                leaseSinceTick = sent[1];
            }
        }
    }

    private long echoedByQuorum(Quorum quorum) {
        List<Long> rounds = new ArrayList<>();
        for (int voter : quorum.members()) {
            rounds.add(voter == config.nodeId() ? round : echoed.getOrDefault(voter, 0L));
        }
        rounds.sort(java.util.Collections.reverseOrder());
        return rounds.get(quorum.phase2Size() - 1);
    }

    private void answerConfirmed(Outbox out) {
        while (!waitingForRound.isEmpty() && waitingForRound.peek().round() <= confirmedRound) {
            Pending p = waitingForRound.poll();
            answer(p.readId(), p.origin(), ReadIndex.confirmed(p.readId(), p.index()), out);
        }
    }

    /** A lease read at {@code now}: the index to read at, or -1 when no lease is known to hold. */
    long leaseIndex(Learner learner, long now) {
        if (leaseSinceTick < 0 || !recovered(learner) || now - leaseSinceTick >= rules.leaseTicks(config)) {
            return -1;
        }
        return learner.firstUnchosenSlot() - 1;
    }

    /** The tick the current lease counts from, or -1. */
    long leaseSinceTick() {
        return leaseSinceTick;
    }

    /** This leadership ended: every read still waiting is refused (the caller may try the next leader). */
    void refuseAll(Outbox out) {
        for (ArrayDeque<Pending> queue : List.of(waitingForRecovery, waitingForRound)) {
            for (Pending p : queue) {
                answer(p.readId(), p.origin(), ReadIndex.refused(p.readId(), 0), out);
            }
            queue.clear();
        }
    }

    private void answer(long readId, int origin, ReadIndex outcome, Outbox out) {
        if (origin == config.nodeId()) {
            out.read(outcome);
        } else {
            out.send(new Message.ReadIndexReply(config.groupId(), config.nodeId(), origin, readId, outcome.confirmed(),
                    outcome.index(), outcome.leaderHint()));
        }
    }
}
