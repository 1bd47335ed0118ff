package io.synod.core.protocol;

import io.synod.core.invariant.Invariants;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One replica of one consensus group, as a deterministic state machine. It is stepped with four
 * inputs — {@link #receive} a message, {@link #tick} of logical time, {@link #persisted} records,
 * {@link #propose} a command — and each step returns a {@link Ready} of effects as plain data.
 * It owns no thread, clock, randomness or I/O, which is what lets the simulator replay any run.
 *
 * <h2>Learning from a leader</h2>
 * A leader at ballot {@code b} re-proposes every open slot at {@code b} after phase 1, and learns
 * a slot only when a phase-2 quorum accepted it at {@code b}. So when it says "every slot below
 * {@code commitUpTo} is chosen", a follower whose own vote for such a slot carries ballot
 * {@code b} knows its vote is the chosen value. For any other slot it asks for the chosen value
 * ({@link Message.CatchUpRequest}) instead of guessing.
 *
 * <h2>No vote left undecided</h2>
 * A leader that falls right after giving a command a slot may leave its own vote as the only one
 * there; the next leader's phase-1 quorum need not see it, and the slot would stay undecided
 * until new commands reach it. Followers therefore report their highest voted slot, and a leader
 * fills slots up to it with no-ops — safe, since its phase 1 covered every slot from its first
 * unchosen one, and a vote its quorum did not report cannot have been chosen.
 *
 * <p>Not thread-safe: one owner thread steps it.
 */
public final class Replica {

    public enum Role { FOLLOWER, CANDIDATE, LEADER }

    private final ProtocolConfig config;
    private final long groupId;
    private final int self;
    private final SafetyRules rules;
    private final Acceptor acceptor;
    private final Learner learner;
    private final ElectionTimer election;
    private Role role = Role.FOLLOWER;
    private Candidate candidate;
    private Leader leader;
    private Ballot highestSeen = Ballot.ZERO;
    private long now;
    private String lastTransition = "started as a follower";
    private final HeldReplies heldReplies;

    /** Until this tick, other candidates' prepares are refused: this replica may have answered a
     *  leader's heartbeat just before it restarted, and that leader's lease counts on it. */
    private final long quarantineUntilTick;
    private long commitHint;
    private int commitHintFrom;
    private long catchUpSentTick = Long.MIN_VALUE / 2;
    private final RandomSource random;
    /** The node a leaderless non-voter is pulling chosen slots from (see {@link #pullFromSomeone}), or 0. */
    private int pullingFrom;

    /** Recovers a replica from its durable state (empty for a new replica). */
    public Replica(ProtocolConfig config, DurableState recovered, RandomSource random) {
        this(config, recovered, random, SafetyRules.CORRECT);
    }

    Replica(ProtocolConfig config, DurableState recovered, RandomSource random, SafetyRules rules) {
        if (recovered.groupId() != config.groupId()) {
            throw new IllegalArgumentException("recovered state of group " + recovered.groupId()
                    + " given to a replica of group " + config.groupId());
        }
        this.config = config;
        this.groupId = config.groupId();
        this.self = config.nodeId();
        this.rules = rules;
        this.acceptor = new Acceptor(config, recovered, rules);
        this.learner = new Learner(groupId, config.retainedAppliedSlots(), recovered,
                new MembershipHistory(config.initialMembership(), config.membershipActivationSlots()));
        this.election = new ElectionTimer(config, random, 0);
        this.random = random;
        this.heldReplies = new HeldReplies(groupId, self);
        this.quarantineUntilTick = rules.quarantinesAfterStart() ? config.electionTimeoutTicks() : 0;
    }

    /** The first step after construction: hands the recovered chosen prefix to the application. */
    public Ready start() {
        return step(out -> { });
    }

    /** One unit of logical time passed. */
    public Ready tick() {
        return step(this::onTick);
    }

    /**
     * A message from another replica of this group. Messages from any node are handled, not only
     * from members this replica knows of: one that lags behind a membership change must still hear
     * the new leader. Paxos's safety never depends on who sends a message; pre-votes of non-voters
     * are refused, so a removed node cannot start elections.
     */
    public Ready receive(Message message) {
        if (message.groupId() != groupId || message.to() != self) {
            throw new IllegalArgumentException("message for group " + message.groupId() + " node " + message.to()
                    + " delivered to group " + groupId + " node " + self + ": " + message);
        }
        return step(out -> handle(message, out));
    }

    /** Every record of every {@link Ready} up to {@code persistSeq} is durable. */
    public Ready persisted(long persistSeq) {
        List<Message> released = new ArrayList<>();
        heldReplies.persisted(persistSeq, released);
        return step(out -> released.forEach(out::send));
    }

    /**
     * The application's snapshot, durably stored, covers every slot up to {@code slot}: the replica
     * forgets the chosen values and votes it covers (never beyond what it has applied).
     */
    public Ready compact(long slot) {
        return step(out -> {
            learner.compact(slot);
            acceptor.compact(learner.compactedThrough());
        });
    }

    /**
     * A snapshot covering every slot up to {@code slot} — another replica's, durably stored here and
     * restored into the application — replaces this replica's older state; {@code memberships}, stored
     * with it, are folded through {@code slot}. Ignored if it is not
     * ahead of what was applied (a snapshot never moves a replica backwards).
     */
    public Ready snapshotInstalled(long slot, MembershipHistory memberships) {
        return step(out -> {
            if (learner.installSnapshot(slot, memberships)) {
                acceptor.compact(slot);
            }
        });
    }

    /**
     * The application asks to replicate {@code command}; only a leader takes it. Elsewhere it is
     * refused with a leader hint, and the caller may send it to the leader as a {@link Message.Forward}.
     */
    public Ready propose(Command command) {
        return step(out -> offer(command, self, 0, out));
    }

    /**
     * Several commands of this replica's caller in one step: a leader puts them into as few slots
     * as its batch limits allow (one Accept per member for many commands) instead of a slot each.
     * Elsewhere each is refused, as by {@link #propose}.
     */
    public Ready proposeAll(List<Command> commands) {
        return step(out -> {
            for (Command command : commands) {
                offer(command, self, 0, out);
            }
        });
    }

    /**
     * Asks to change the membership (only a leader takes it; one change at a time). Refused with
     * {@link Rejection.Reason#NOT_LEADER} elsewhere, or {@link Rejection.Reason#MEMBERSHIP_CHANGE_REFUSED}
     * when another change is in progress or this one would have no effect (see
     * {@link MembershipHistory#refusal}). Once chosen, it appears in {@link Ready#committed()}; it takes
     * effect {@link ProtocolConfig#membershipActivationSlots()} slots later if still valid then.
     */
    public Ready proposeChange(Value.Reconfigure change) {
        return step(out -> {
            if (role != Role.LEADER) {
                out.reject(Rejection.local(change.requestId(), Rejection.Reason.NOT_LEADER, election.leaderHint(), self));
            } else if (leader.offerChange(change, self) != null) {
                out.reject(Rejection.local(change.requestId(), Rejection.Reason.MEMBERSHIP_CHANGE_REFUSED, self, self));
            }
        });
    }

    /**
     * Why {@code change} would be refused by this leader now, in words; null if it would be taken.
     * For the runtime's error messages (the log's rule decides in the end).
     */
    public String changeRefusal(Value.Reconfigure change) {
        if (role != Role.LEADER) {
            return "node " + self + " is not the leader";
        }
        return learner.memberships().refusal(change, Long.MAX_VALUE);
    }

    /**
     * Hands leadership to voter {@code target}: this leader stops taking commands, waits (at most an
     * election timeout) until the target has every chosen slot, then tells it to campaign at once
     * ({@link Message.TimeoutNow}) and steps down. If the target never catches up, this replica keeps
     * leading.
     *
     * @throws IllegalStateException    if this replica does not lead
     * @throws IllegalArgumentException if {@code target} is this replica or not a voter
     */
    public Ready transferLeadership(int target) {
        if (role != Role.LEADER) {
            throw new IllegalStateException("node " + self + " does not lead group " + groupId
                    + "; ask the leader (node " + election.leaderHint() + ")");
        }
        Membership current = learner.memberships().at(learner.firstUnchosenSlot());
        if (target == self) {
            throw new IllegalArgumentException("node " + self + " already leads group " + groupId);
        }
        for (Membership m : learner.memberships().inForceFrom(learner.firstUnchosenSlot())) {
            if (!m.isVoter(target)) {
                throw new IllegalArgumentException("node " + target + " is not a voter of group " + groupId
                        + " (" + m + "): only voters can lead");
            }
        }
        return step(out -> {
            leader.startTransfer(target, now);
            leader.heartbeat(learner, out, now); // its reply tells us at once whether it has caught up
        });
    }

    /** The membership deciding the first unchosen slot. */
    public Membership membership() {
        return learner.memberships().at(learner.firstUnchosenSlot());
    }

    /** A copy of what this replica knows of the group's memberships. */
    public MembershipHistory memberships() {
        return learner.memberships().copy();
    }

    private void offer(Command command, int origin, long attempt, Outbox out) {
        if (role != Role.LEADER) {
            refuse(command.id(), origin, attempt, Rejection.Reason.NOT_LEADER, election.leaderHint(), out);
        } else if (leader.transferTarget() != 0) {
            // Handing leadership over: point callers at the successor instead of failing them as overloaded.
            refuse(command.id(), origin, attempt, Rejection.Reason.NOT_LEADER, leader.transferTarget(), out);
        } else if (!leader.offer(command, origin, attempt)) {
            refuse(command.id(), origin, attempt, Rejection.Reason.OVERLOADED, self, out);
        }
    }

    /** Tells whoever proposed a command (this replica's caller, or a forwarding follower) that it was refused. */
    private void refuse(long commandId, int origin, long attempt, Rejection.Reason reason, int leaderHint, Outbox out) {
        if (origin == self) {
            out.reject(Rejection.local(commandId, reason, leaderHint, self));
        } else {
            out.send(new Message.ForwardRejected(groupId, self, origin, commandId, attempt, reason, leaderHint));
        }
    }

    /**
     * A linearizable read: asks for the slot up to which this replica must have applied before
     * its state machine may answer. A leader confirms its leadership with a phase-2 quorum first
     * (see {@code LeaderReads}); a follower asks the leader it knows. The outcome comes in a later
     * {@link Ready#reads()} (possibly this step's): confirmed with an index, or refused. A request or
     * reply lost in the network is not retried here: the caller retries after its own timeout.
     */
    public Ready readIndex(long readId) {
        return step(out -> {
            if (role == Role.LEADER) {
                leader.reads().request(readId, self);
            } else if (election.leaderHint() != 0 && election.leaderHint() != self) {
                out.send(new Message.ReadIndexRequest(groupId, self, election.leaderHint(), readId));
            } else {
                out.read(ReadIndex.refused(readId, 0));
            }
        });
    }

    /** A read under this leader's lease, or null when no lease is known to hold (then use {@link #readIndex}). */
    public LeaseRead leaseRead() {
        if (leader == null) {
            return null;
        }
        long index = leader.reads().leaseIndex(learner, now);
        return index < 0 ? null : new LeaseRead(index, leader.reads().leaseSinceTick(), rules.leaseTicks(config));
    }

    public Role role() {
        return role;
    }

    /** The node believed to lead (this one, when leading), or 0 when none is known. */
    public int leaderHint() {
        return role == Role.LEADER ? self : election.leaderHint();
    }

    /** The ballot this replica leads or campaigns with, or null when it follows. */
    public Ballot ownBallot() {
        return leader != null ? leader.ballot() : candidate != null ? candidate.ballot() : null;
    }

    public Ballot promised() {
        return acceptor.promised();
    }

    /** Why the role last changed, in words for logs ("lost contact with a phase-2 quorum", ...). */
    public String lastTransition() {
        return lastTransition;
    }

    /** When leading: each follower's first unchosen slot as it last reported; empty otherwise. */
    public java.util.Map<Integer, Long> followerFirstUnchosenSlots() {
        return leader == null ? java.util.Map.of() : leader.followerFirstUnchosenSlots();
    }

    public long firstUnchosenSlot() {
        return learner.firstUnchosenSlot();
    }

    /** Slots up to here are covered by this replica's snapshot and no longer kept in memory. */
    public long compactedThrough() {
        return learner.compactedThrough();
    }

    public long now() {
        return now;
    }

    public ProtocolConfig config() {
        return config;
    }

    private Ready step(Consumer<Outbox> input) {
        Outbox out = new Outbox(self, heldReplies);
        long chosenBefore = learner.firstUnchosenSlot();
        input.accept(out);
        do {
            Message local;
            while ((local = out.pollLocal()) != null) {
                handle(local, out);
            }
            if (leader != null) {
                leader.prepareNewMemberships(learner, out, now);
                leader.fillPipeline(learner, out, now);
            }
        } while (out.hasLocal());
        if (leader != null) {
            handOverIfDue(out);
        }
        if (leader != null) {
            if (learner.firstUnchosenSlot() > chosenBefore && !out.sendsAccept()) {
                // Followers learn what is chosen from the commit point an accept or heartbeat
                // carries. When nothing else goes out, tell them now rather than at the next
                // heartbeat: a command a follower forwarded completes when that follower learns it.
                leader.heartbeat(learner, out, now);
            }
            leader.serveReads(learner, out, now);
        }
        learner.deliver(out);
        acceptor.evict(learner.evictedThrough());
        return out.toReady(heldReplies.endStep(out.wroteRecords()));
    }

    private void handle(Message message, Outbox out) {
        observe(message);
        if (message instanceof Message.Accept m) {
            onAccept(m, out);
        } else if (message instanceof Message.Accepted m) {
            if (leader != null) {
                leader.onAccepted(m, learner, out, now);
            }
        } else if (message instanceof Message.Heartbeat m) {
            onHeartbeat(m, out);
        } else if (message instanceof Message.HeartbeatReply m) {
            if (leader != null) {
                leader.onHeartbeatReply(m, now);
            }
        } else if (message instanceof Message.PreVote m) {
            onPreVote(m, out);
        } else if (message instanceof Message.PreVoteReply m) {
            onPreVoteReply(m, out);
        } else if (message instanceof Message.Prepare m) {
            onPrepare(m, out);
        } else if (message instanceof Message.Promise m) {
            onPromise(m, out);
        } else if (message instanceof Message.Nack m) {
            onNack(m, out);
        } else if (message instanceof Message.CatchUpRequest m) {
            onCatchUpRequest(m, out);
        } else if (message instanceof Message.CatchUpReply m) {
            onCatchUpReply(m, out);
        } else if (message instanceof Message.Forward m) {
            offer(m.command(), m.from(), m.attempt(), out);
        } else if (message instanceof Message.ForwardRejected m) {
            out.reject(new Rejection(m.commandId(), m.reason(), m.leaderHint(), m.from(), m.attempt()));
        } else if (message instanceof Message.ReadIndexRequest m) {
            if (role == Role.LEADER) {
                leader.reads().request(m.readId(), m.from());
            } else {
                out.send(new Message.ReadIndexReply(groupId, self, m.from(), m.readId(), false, 0, leaderHint()));
            }
        } else if (message instanceof Message.ReadIndexReply m) {
            out.read(new ReadIndex(m.readId(), m.confirmed(), m.index(), m.leaderHint()));
        } else if (message instanceof Message.TimeoutNow m) {
            onTimeoutNow(m, out);
        }
    }

    private void observe(Message message) {
        Ballot seen = null;
        if (message instanceof Message.Prepare m) {
            seen = m.ballot();
        } else if (message instanceof Message.Accept m) {
            seen = m.ballot();
        } else if (message instanceof Message.Heartbeat m) {
            seen = m.ballot();
        } else if (message instanceof Message.Nack m) {
            seen = m.promised();
        } else if (message instanceof Message.PreVoteReply m) {
            seen = m.promised();
        } else if (message instanceof Message.TimeoutNow m) {
            seen = m.ballot();
        }
        if (seen != null) {
            highestSeen = Ballot.max(highestSeen, seen);
        }
    }

    private void onTick(Outbox out) {
        now++;
        switch (role) {
            case FOLLOWER -> {
                if (election.campaignDue(now)) {
                    if (mayLead()) {
                        startCampaign(out, false);
                    } else {
                        election.postpone(now); // a learner, or not (or no longer) a member: never leads
                        pullFromSomeone(out);
                    }
                }
            }
            case CANDIDATE -> candidateTick(out);
            case LEADER -> {
                election.heardFromLeader(self, now);
                if (!leader.tick(learner, out, now)) {
                    stepDown(out, "heard from no phase-2 quorum for " + config.leaderQuorumTimeoutTicks() + " ticks");
                }
            }
        }
        requestCatchUpIfBehind(out);
    }

    // ---- election ---------------------------------------------------------------------------

    private void startCampaign(Outbox out, boolean transfer) {
        role = Role.CANDIDATE;
        lastTransition = transfer ? "the leader handed leadership to this node; campaigning"
                : "heard from no leader for an election timeout; campaigning";
        election.forgetLeader();
        candidate = new Candidate(config, electorate(), rules.nextBallot(acceptor.promised(), highestSeen, self), transfer, now);
        if (transfer) {
            beginPrepare(out); // the leader asked: no pre-vote, its followers will promise
            return;
        }
        sendToSilentMembers(out);
        if (candidate.hasPreVoteQuorum()) {
            beginPrepare(out);
        }
    }

    /**
     * Whether this replica may campaign: it votes in the membership deciding its first unchosen slot,
     * or in the newest one it knows. The latter matters when the old voters handed over and left: a
     * new voter that has not learned the last slots before its membership takes effect must still
     * be able to lead (its phase 1 then needs a quorum of the old voters too).
     */
    private boolean mayLead() {
        return membership().isVoter(self) || learner.memberships().latest().isVoter(self);
    }

    /** The memberships of every slot a leader elected now could propose (see {@link Candidate}). */
    private List<Membership> electorate() {
        long from = learner.firstUnchosenSlot();
        return learner.memberships().inForceBetween(from, from + learner.memberships().activationDelay());
    }

    /**
     * A replica that may not lead and hears no leader asks a random known node for every chosen
     * slot it lacks. Followers otherwise learn only from leaders, and a voter added by a change it
     * has not learned yet would not know it may campaign: if the old voters left, no one would lead.
     */
    private void pullFromSomeone(Outbox out) {
        List<Integer> others = new ArrayList<>(learner.memberships().knownNodes());
        others.remove(Integer.valueOf(self));
        if (others.isEmpty()) {
            return;
        }
        pullingFrom = others.get(random.nextInt(others.size()));
        out.send(new Message.CatchUpRequest(groupId, self, pullingFrom, learner.firstUnchosenSlot(), Long.MAX_VALUE));
    }

    private void onTimeoutNow(Message.TimeoutNow timeoutNow, Outbox out) {
        if (role == Role.LEADER || !timeoutNow.ballot().isAtLeast(acceptor.promised()) || !mayLead()) {
            return;
        }
        candidate = null;
        startCampaign(out, true);
    }

    /**
     * A leader whose transfer target caught up hands over. So does a leader that may no longer lead
     * (a voter neither from the first unchosen slot on nor in the newest membership): it hands over
     * to the voter furthest along, once that one has every chosen slot (or at once if there is no
     * other voter), and until then keeps telling the others what is chosen.
     */
    private void handOverIfDue(Outbox out) {
        Membership current = membership();
        if (!mayLead() && leader.transferTarget() == 0) {
            int successor = successor(current);
            if (successor == 0) {
                stepDown(out, "no longer a voter from slot " + learner.firstUnchosenSlot());
                return;
            }
            leader.startTransfer(successor, now);
        }
        if (leader.transferTarget() != 0 && leader.transferTargetCaughtUp(learner)) {
            int target = leader.transferTarget();
            handOver(target, out, "handed leadership to node " + target);
        }
    }

    private void handOver(int target, Outbox out, String why) {
        if (target != 0) {
            out.send(new Message.TimeoutNow(groupId, self, target, leader.ballot()));
        }
        stepDown(out, why);
        if (target != 0) {
            election.heardFromLeader(target, now); // it is about to lead: point callers at it
        }
    }

    /** The voter of {@code membership} that is furthest along, or 0. */
    private int successor(Membership membership) {
        int best = 0;
        long bestSlot = -1;
        for (int voter : membership.voters().members()) {
            long slot = leader.followerFirstUnchosenSlots().getOrDefault(voter, 0L);
            if (voter != self && slot > bestSlot) {
                best = voter;
                bestSlot = slot;
            }
        }
        return best;
    }

    private void candidateTick(Outbox out) {
        if (candidate.timedOut(now)) {
            campaignFailed("no " + (candidate.stage() == Candidate.Stage.PRE_VOTE ? "pre-vote" : "promise")
                    + " quorum within " + config.electionTimeoutTicks() + " ticks");
        } else if (candidate.retransmitDue(now)) {
            sendToSilentMembers(out);
        }
    }

    private void sendToSilentMembers(Outbox out) {
        candidate.sent(now);
        for (int member : candidate.silentMembers()) {
            if (candidate.stage() == Candidate.Stage.PRE_VOTE) {
                out.send(new Message.PreVote(groupId, self, member, candidate.ballot()));
            } else if (member != self) {
                // Only once our own promise of this ballot is durable may anyone else see it:
                // after a crash we then never pick it again.
                out.sendWhenDurable(new Message.Prepare(groupId, self, member, candidate.ballot(), candidate.fromSlot(),
                        candidate.transfer()));
            }
        }
    }

    private void onPreVote(Message.PreVote preVote, Outbox out) {
        boolean otherLeaderAlive = election.leaderAlive(now) && leaderHint() != preVote.from();
        boolean granted = !otherLeaderAlive && preVote.ballot().isAbove(acceptor.promised())
                && learner.memberships().latest().isVoter(preVote.from());
        out.send(new Message.PreVoteReply(groupId, self, preVote.from(), preVote.ballot(), granted, acceptor.promised()));
    }

    private void onPreVoteReply(Message.PreVoteReply reply, Outbox out) {
        if (candidate == null || candidate.stage() != Candidate.Stage.PRE_VOTE
                || !reply.ballot().equals(candidate.ballot()) || !reply.granted()) {
            return;
        }
        candidate.preVoteGranted(reply.from());
        if (candidate.hasPreVoteQuorum()) {
            beginPrepare(out);
        }
    }

    private void beginPrepare(Outbox out) {
        Ballot ballot = rules.nextBallot(acceptor.promised(), highestSeen, self);
        candidate.beginPrepare(ballot, learner.firstUnchosenSlot(), electorate(), now);
        // Promise ourselves first, in this step, so the promise record precedes every prepare sent.
        acceptor.onPrepare(new Message.Prepare(groupId, self, self, ballot, candidate.fromSlot(), candidate.transfer()), out);
        sendToSilentMembers(out);
    }

    private void onPrepare(Message.Prepare prepare, Outbox out) {
        boolean otherLeaderAlive = election.leaderAlive(now) && leaderHint() != prepare.from() && !prepare.leaderTransfer();
        if (otherLeaderAlive || now < quarantineUntilTick) {
            out.send(acceptor.nack(prepare.from(), prepare.ballot(), Message.NackReason.LEADER_ALIVE));
            return;
        }
        acceptor.onPrepare(prepare, out);
        if (prepare.ballot().equals(acceptor.promised()) && prepare.from() != self) {
            Ballot own = ownBallot();
            if (own != null && own.compareTo(prepare.ballot()) < 0) {
                stepDown(out, "promised node " + prepare.from() + "'s higher ballot " + prepare.ballot());
            }
            election.postpone(now);
        }
    }

    private void onPromise(Message.Promise promise, Outbox out) {
        if (leader != null && promise.ballot().equals(leader.ballot())) {
            if (leader.onPromise(promise, learner)) {
                return;
            }
            if (promise.compactedThrough() >= promise.fromSlot()) {
                stepDown(out, "node " + promise.from() + " has compacted through slot " + promise.compactedThrough()
                        + ", beyond slots this leader must recover; installing its snapshot first");
                out.needSnapshot(promise.from(), promise.compactedThrough());
            } else {
                stepDown(out, "node " + promise.from() + " has applied and evicted slots through " + promise.evictedThrough()
                        + ", beyond slots this leader must recover; catching up on them first");
                catchUpFrom(promise.from(), promise.evictedThrough() + 1, out);
            }
            return;
        }
        if (candidate == null || candidate.stage() != Candidate.Stage.PREPARE
                || !promise.ballot().equals(candidate.ballot())) {
            return;
        }
        if (rules.mustInstallSnapshotBeforeLeading(promise.compactedThrough(), candidate.fromSlot())) {
            // Slots from our first unchosen one up to there are chosen, but their values are only in
            // node `from`'s snapshot: we cannot recover them from votes, so we must not lead.
            campaignFailed("node " + promise.from() + " has compacted through slot " + promise.compactedThrough()
                    + ", beyond our first unchosen slot " + candidate.fromSlot() + "; installing its snapshot first");
            out.needSnapshot(promise.from(), promise.compactedThrough());
            return;
        }
        if (rules.mustCatchUpBeforeLeading(promise.evictedThrough(), candidate.fromSlot())) {
            // Those slots are chosen and applied at node `from`, which no longer holds its votes for them
            // in memory: the promise is silent about them, and their silence is not a hole. We are far
            // behind anyway; learn them from its journal, then campaign again.
            campaignFailed("node " + promise.from() + " has applied and evicted slots through " + promise.evictedThrough()
                    + ", beyond our first unchosen slot " + candidate.fromSlot() + "; catching up on them first");
            catchUpFrom(promise.from(), promise.evictedThrough() + 1, out);
            return;
        }
        candidate.promised(promise);
        if (candidate.hasPromiseQuorum()) {
            becomeLeader(out);
        }
    }

    private void becomeLeader(Outbox out) {
        leader = new Leader(config, rules, candidate.ballot(), candidate.fromSlot(),
                candidate.valuesToRepropose(learner, rules), candidate.electorateEpochs(), learner, now);
        lastTransition = "won phase 1 at ballot " + leader.ballot() + " from " + candidate.promisers();
        candidate = null;
        role = Role.LEADER;
        election.heardFromLeader(self, now);
        leader.heartbeat(learner, out, now);
    }

    private void onNack(Message.Nack nack, Outbox out) {
        Ballot own = ownBallot();
        if (own == null || !nack.ballot().equals(own) || !nack.promised().isAbove(own)) {
            return;
        }
        String why = "node " + nack.from() + " promised the higher ballot " + nack.promised();
        if (role == Role.LEADER) {
            stepDown(out, why);
        } else {
            campaignFailed(why);
        }
    }

    private void campaignFailed(String why) {
        lastTransition = "campaign failed: " + why;
        candidate = null;
        role = Role.FOLLOWER;
        election.campaignFailed(now);
    }

    private void stepDown(Outbox out, String why) {
        lastTransition = "stepped down: " + why;
        if (leader != null) {
            for (Leader.Queued queued : leader.drainPending()) {
                refuse(queued.command().id(), queued.origin(), queued.attempt(), Rejection.Reason.NOT_LEADER, 0, out);
            }
            Value.Reconfigure change = leader.drainPendingChange();
            if (change != null) {
                refuse(change.requestId(), leader.pendingChangeOrigin(), 0, Rejection.Reason.NOT_LEADER, 0, out);
            }
            leader.reads().refuseAll(out);
            election.forgetLeader();
        }
        leader = null;
        candidate = null;
        role = Role.FOLLOWER;
        election.postpone(now);
    }

    /** Defers to a live leader of a ballot at least our promise. */
    private void followLeader(Ballot ballot, int leaderId, Outbox out) {
        if (role != Role.FOLLOWER) {
            Invariants.check(!ballot.equals(ownBallot()), "group %d node %d: ballot %s used by node %d too",
                    groupId, self, ballot, leaderId);
            stepDown(out, "node " + leaderId + " leads at ballot " + ballot);
        }
        election.heardFromLeader(leaderId, now);
    }

    // ---- phase 2 and learning ---------------------------------------------------------------

    private void onAccept(Message.Accept accept, Outbox out) {
        boolean current = accept.ballot().isAtLeast(acceptor.promised());
        boolean voted = acceptor.onAccept(accept, out);
        if (voted && current && accept.from() != self) {
            followLeader(accept.ballot(), accept.from(), out);
            learnFromLeader(accept.ballot(), accept.commitUpTo(), accept.from(), out);
        }
    }

    private void onHeartbeat(Message.Heartbeat heartbeat, Outbox out) {
        if (!heartbeat.ballot().isAtLeast(acceptor.promised())) {
            out.send(acceptor.nack(heartbeat.from(), heartbeat.ballot(), Message.NackReason.PROMISED_HIGHER));
            return;
        }
        followLeader(heartbeat.ballot(), heartbeat.from(), out);
        learnFromLeader(heartbeat.ballot(), heartbeat.commitUpTo(), heartbeat.from(), out);
        out.send(new Message.HeartbeatReply(groupId, self, heartbeat.from(), heartbeat.ballot(),
                learner.firstUnchosenSlot(), acceptor.highestVotedSlot(), heartbeat.readRound()));
    }

    /** See the class comment: only votes of the leader's own ballot are known to be chosen. */
    private void learnFromLeader(Ballot ballot, long commitUpTo, int leaderId, Outbox out) {
        if (commitUpTo >= commitHint) {
            commitHint = commitUpTo;
            commitHintFrom = leaderId;
        }
        long end = Math.min(commitUpTo, learner.firstUnchosenSlot() + config.pipelineWindow() + config.catchUpBatchSlots());
        for (long slot = learner.firstUnchosenSlot(); slot < end; slot++) {
            AcceptedEntry vote = acceptor.vote(slot);
            if (!learner.isChosen(slot) && vote != null && vote.ballot().equals(ballot)) {
                learner.learn(slot, vote.value(), out);
            }
        }
        requestCatchUpIfBehind(out);
    }

    /**
     * Slots we no longer keep are in our snapshot: say so, and send what we still have in memory.
     * Slots evicted from memory but still journaled are read back by the runtime, off this thread.
     */
    private void onCatchUpRequest(Message.CatchUpRequest m, Outbox out) {
        long compacted = learner.compactedThrough();
        long evicted = learner.evictedThrough();
        if (m.fromSlot() > compacted && m.fromSlot() <= evicted) {
            out.readJournal(new Ready.JournalRead(m.from(), m.fromSlot(), Math.min(m.toSlot(), evicted + 1),
                    config.catchUpBatchSlots()));
            return;
        }
        long snapshot = m.fromSlot() <= compacted ? compacted : 0;
        long firstInMemory = Math.max(compacted, evicted) + 1;
        out.send(new Message.CatchUpReply(groupId, self, m.from(), learner.chosenBetween(
                Math.max(m.fromSlot(), firstInMemory), m.toSlot(), config.catchUpBatchSlots()), snapshot));
    }

    /**
     * Node {@code source} told us every slot below {@code toSlot} is chosen (and it can serve them):
     * ask it now rather than at the next leader's commit point.
     */
    private void catchUpFrom(int source, long toSlot, Outbox out) {
        if (toSlot > commitHint) {
            commitHint = toSlot;
            commitHintFrom = source;
        }
        catchUpSentTick = Long.MIN_VALUE / 2;
        requestCatchUpIfBehind(out);
    }

    private void onCatchUpReply(Message.CatchUpReply reply, Outbox out) {
        if (role == Role.LEADER) {
            return; // a leader learns slots of its ballot only from its own phase-2 quorum
        }
        long before = learner.firstUnchosenSlot();
        for (ChosenEntry entry : reply.chosen()) {
            learner.learn(entry.slot(), entry.value(), out);
        }
        if (reply.snapshotSlot() >= learner.firstUnchosenSlot()) {
            out.needSnapshot(reply.from(), reply.snapshotSlot());
        }
        // Only progress asks again at once: a peer that lacks our next slot too would otherwise be
        // asked again and again at network speed.
        if (learner.firstUnchosenSlot() > before) {
            catchUpSentTick = Long.MIN_VALUE / 2; // progress: ask for the next range right away
            if (reply.from() == pullingFrom && !election.leaderAlive(now)) {
                out.send(new Message.CatchUpRequest(groupId, self, pullingFrom, learner.firstUnchosenSlot(), Long.MAX_VALUE));
            }
        }
        requestCatchUpIfBehind(out);
    }

    private void requestCatchUpIfBehind(Outbox out) {
        if (role == Role.LEADER || learner.firstUnchosenSlot() >= commitHint || commitHintFrom == self
                || now - catchUpSentTick < config.retransmitTicks()) {
            return;
        }
        catchUpSentTick = now;
        out.send(new Message.CatchUpRequest(groupId, self, commitHintFrom, learner.firstUnchosenSlot(), commitHint));
    }
}
