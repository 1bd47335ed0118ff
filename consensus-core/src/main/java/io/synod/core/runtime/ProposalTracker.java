package io.synod.core.runtime;

import io.synod.core.api.NodeClosedException;
import io.synod.core.api.NotLeaderException;
import io.synod.core.api.OverloadedException;
import io.synod.core.api.ProposalTimeoutException;
import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.Message;
import io.synod.core.protocol.Rejection;
import io.synod.core.protocol.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * This node's proposals to one group, from {@code propose} to their outcome. A proposal that was
 * certainly not chosen — refused before it got a slot, never sent, or displaced from its slot by
 * another value — is tried again (forwarded to the leader the refusal names, or parked until a
 * leader is known); one whose outcome is unknown waits until it is applied here or its timeout.
 *
 * <p>{@link #propose} and {@link #failAll} may be called from any thread; everything else runs on
 * the group's consensus thread.
 */
final class ProposalTracker {
    private static final Logger log = LoggerFactory.getLogger(ProposalTracker.class);
    /** A proposal that is certainly not chosen may be sent to a leader again this often. */
    private static final int MAX_FORWARDS = 10;

    /** What the tracker needs from its group's replica (consensus thread). */
    interface Replica {
        /** Offers a command to the local replica; refusals come back through {@link #refused}. */
        void propose(Command command);

        /** The leader the replica believes in, or 0. */
        int leaderHint();
    }

    private final long groupId;
    private final int self;
    private final NodeContext node;
    private final CommandIds commandIds;
    private final Map<Long, PendingProposal> pending = new ConcurrentHashMap<>();
    /** Soonest deadline first (timeouts differ: a session's attempts are shorter than plain proposals). */
    private final PriorityQueue<PendingProposal> byDeadline =
            new PriorityQueue<>(Comparator.comparingLong((PendingProposal p) -> p.deadlineNanos));
    /** Certainly not chosen, waiting for a leader other than the one that refused them. */
    private final ArrayDeque<PendingProposal> awaitingLeader = new ArrayDeque<>();
    /** By the slot a leader gave them, as seen in an Accept. */
    private final TreeMap<Long, List<PendingProposal>> bySlot = new TreeMap<>();
    /** Refusals of forwarded commands the transport could not send yet (the protocol does not resend them). */
    private final ArrayDeque<Undelivered> undeliveredRefusals = new ArrayDeque<>();
    /** Numbers this tracker's forwards, so each refusal names the one forward it answers. */
    private long lastForwardAttempt;

    private record Undelivered(Message.ForwardRejected refusal, long giveUpAtNanos) {
    }

    ProposalTracker(long groupId, NodeContext node, CommandIds commandIds) {
        this.groupId = groupId;
        this.self = node.nodeId();
        this.node = node;
        this.commandIds = commandIds;
    }

    /** The proposals waiting for their outcome, by command id (the apply stage completes them). */
    Map<Long, PendingProposal> pending() {
        return pending;
    }

    // ---- any thread -------------------------------------------------------------------------

    /**
     * Admits and registers a proposal of {@code payload} — a {@link CommandEnvelope}, which the
     * tracker owns from now on — then hands it to the consensus thread; never throws.
     */
    CompletableFuture<byte[]> propose(byte[] payload, ConsensusLoop loop, Consumer<PendingProposal> onLoop) {
        return propose(payload, node.options().proposalTimeoutMillis(), loop, onLoop);
    }

    /** {@link #propose(byte[], ConsensusLoop, Consumer)} that gives up after {@code timeoutMillis}. */
    CompletableFuture<byte[]> propose(byte[] payload, long timeoutMillis, ConsensusLoop loop,
                                      Consumer<PendingProposal> onLoop) {
        try {
            node.admission().admit(payload.length);
        } catch (OverloadedException e) {
            node.metrics().proposalFailed(groupId, e);
            return CompletableFuture.failedFuture(e);
        }
        long now = node.clock().nanoTime();
        PendingProposal proposal = new PendingProposal(commandIds.next(), payload, now,
                now + TimeUnit.MILLISECONDS.toNanos(timeoutMillis), timeoutMillis, node.admission());
        node.metrics().submitted.increment();
        // Registered before it is queued, so that closing the node fails it even if it never ran.
        pending.put(proposal.commandId, proposal);
        if (!loop.submit(() -> onLoop.accept(proposal))) {
            pending.remove(proposal.commandId);
            fail(proposal, loop.isRunning()
                    ? new OverloadedException("maxQueuedEvents", "node " + self + " has " + node.options().maxQueuedEvents()
                            + " inputs queued for its consensus threads (maxQueuedEvents); retry later")
                    : new NodeClosedException("node " + self + " is closed"));
        }
        return proposal.future;
    }

    void failAll(RuntimeException error) {
        for (PendingProposal proposal : pending.values()) {
            fail(proposal, error);
        }
        pending.clear();
    }

    // ---- consensus thread -------------------------------------------------------------------

    /** A registered proposal reached the consensus thread: start its clock and offer it. */
    void started(PendingProposal proposal, Replica replica) {
        byDeadline.add(proposal);
        proposeLocally(proposal, replica);
    }

    /** Fails a proposal that cannot be proposed at all (group unavailable). */
    void refuse(PendingProposal proposal, RuntimeException error) {
        pending.remove(proposal.commandId);
        fail(proposal, error);
    }

    /** Every tick: timeouts, parked proposals, undelivered refusals. */
    void tick(Replica replica) {
        retryAwaitingLeader(replica);
        resendUndeliveredRefusals();
        expire();
    }

    /** An Accept, ours or the leader's: remember the slot of any proposal of ours in it. */
    void noteSlot(Message.Accept accept, long deliveredSlot) {
        if (!(accept.value() instanceof Value.Batch batch) || accept.slot() <= deliveredSlot) {
            return;
        }
        for (Command command : batch.commands()) {
            PendingProposal proposal = pending.get(command.id());
            if (proposal != null && proposal.slot != accept.slot()) {
                proposal.slot = accept.slot();
                bySlot.computeIfAbsent(accept.slot(), s -> new ArrayList<>(1)).add(proposal);
            }
        }
    }

    /** A message the transport would not take: a refusal of a forward is kept and sent again. */
    void undelivered(Message message) {
        if (message instanceof Message.ForwardRejected refusal) {
            undeliveredRefusals.add(new Undelivered(refusal, node.clock().nanoTime() + patienceNanos()));
        }
    }

    /**
     * {@code entry} is chosen. A command is only ever given one slot: a proposal of ours given this
     * slot but absent from the chosen value can no longer be chosen, so it is tried again.
     */
    void chosen(ChosenEntry entry, Replica replica) {
        if (entry.value() instanceof Value.Batch batch) {
            long now = node.clock().nanoTime();
            for (Command command : batch.commands()) {
                PendingProposal proposal = pending.get(command.id());
                if (proposal != null) {
                    proposal.committedNanos = now;
                }
            }
        }
        while (!bySlot.isEmpty() && bySlot.firstKey() <= entry.slot()) {
            Map.Entry<Long, List<PendingProposal>> first = bySlot.pollFirstEntry();
            for (PendingProposal proposal : first.getValue()) {
                if (!proposal.isDone() && proposal.slot == entry.slot() && first.getKey() == entry.slot()
                        && !contains(entry.value(), proposal.commandId)) {
                    proposal.slot = 0;
                    log.debug("group {}: slot {} was chosen without command {}; proposing it again",
                            groupId, entry.slot(), proposal.commandId);
                    proposal.forwardAttempt = 0;
                    refused(Rejection.local(proposal.commandId, Rejection.Reason.NOT_LEADER, replica.leaderHint(), 0));
                }
            }
        }
    }

    /**
     * A proposal was refused before it got a slot, so it certainly had no effect and may be tried
     * again: forwarded to the leader the refusal names, or parked until a leader other than the one
     * that refused it is known (or one election timeout has passed: it may have been re-elected).
     */
    void refused(Rejection rejection) {
        PendingProposal proposal = pending.get(rejection.commandId());
        if (proposal == null) {
            return;
        }
        if (rejection.attempt() != 0) {
            if (rejection.attempt() != proposal.forwardAttempt) {
                // A delayed or duplicated refusal of an earlier forward: the proposal has been sent
                // on since and may be in a slot by now, so this says nothing about it.
                log.debug("group {}: ignoring a refusal of forward {} of command {} (awaiting forward {})",
                        groupId, rejection.attempt(), rejection.commandId(), proposal.forwardAttempt);
                return;
            }
            proposal.forwardAttempt = 0;
        }
        int hint = rejection.leaderHint();
        long now = node.clock().nanoTime();
        boolean retry = rejection.reason() == Rejection.Reason.NOT_LEADER && node.options().forwardToLeader()
                && proposal.forwards < MAX_FORWARDS;
        if (retry) {
            if (rejection.refusedBy() != self) {
                refusedBy(proposal, rejection.refusedBy(), now); // the leader we forwarded to said no
            }
            boolean sameRefuserTooSoon = hint == proposal.refusedBy && now - proposal.refusedAtNanos < patienceNanos();
            if (hint == 0 || hint == self || sameRefuserTooSoon) {
                awaitingLeader.add(proposal); // an election is under way: propose once it is decided
                return;
            }
            proposal.forwards++;
            proposal.forwardAttempt = ++lastForwardAttempt;
            if (!node.transport().send(new Message.Forward(groupId, self, hint,
                    Command.ofOwned(proposal.commandId, proposal.command), proposal.forwardAttempt))) {
                proposal.forwardAttempt = 0;
                refusedBy(proposal, hint, now); // unreachable, maybe dead: wait for the next leader
                awaitingLeader.add(proposal);
            }
            return; // the outcome arrives with our own copy of the log
        }
        pending.remove(proposal.commandId);
        fail(proposal, rejection.reason() == Rejection.Reason.OVERLOADED
                ? new OverloadedException("maxPendingProposals", "group " + groupId + ": the leader (node " + hint
                        + ") has maxPendingProposals commands waiting for a slot; retry later")
                : new NotLeaderException(groupId, self, hint));
    }

    private void retryAwaitingLeader(Replica replica) {
        if (awaitingLeader.isEmpty() || replica.leaderHint() == 0) {
            return;
        }
        long now = node.clock().nanoTime();
        for (int n = awaitingLeader.size(); n > 0; n--) {
            PendingProposal proposal = awaitingLeader.poll();
            if (proposal.isDone()) {
                continue;
            }
            if (replica.leaderHint() == proposal.refusedBy && now - proposal.refusedAtNanos < patienceNanos()) {
                awaitingLeader.add(proposal);
                continue;
            }
            proposeLocally(proposal, replica);
        }
    }

    private static void proposeLocally(PendingProposal proposal, Replica replica) {
        proposal.forwardAttempt = 0; // from now on, no refusal of an earlier forward applies
        replica.propose(Command.ofOwned(proposal.commandId, proposal.command));
    }

    private void resendUndeliveredRefusals() {
        long now = node.clock().nanoTime();
        for (int n = undeliveredRefusals.size(); n > 0; n--) {
            Undelivered u = undeliveredRefusals.poll();
            if (!node.transport().send(u.refusal()) && now < u.giveUpAtNanos()) {
                undeliveredRefusals.add(u);
            }
        }
    }

    private void expire() {
        long now = node.clock().nanoTime();
        PendingProposal head;
        while ((head = byDeadline.peek()) != null && (head.isDone() || now >= head.deadlineNanos)) {
            byDeadline.poll();
            if (!head.isDone() && pending.remove(head.commandId) != null) {
                fail(head, new ProposalTimeoutException(groupId, head.timeoutMillis));
            }
        }
    }

    private static void refusedBy(PendingProposal proposal, int node, long now) {
        proposal.refusedBy = node;
        proposal.refusedAtNanos = now;
    }

    private long patienceNanos() {
        return TimeUnit.MILLISECONDS.toNanos(node.options().electionTimeoutMillis());
    }

    private void fail(PendingProposal proposal, RuntimeException error) {
        proposal.fail(error, () -> node.metrics().proposalFailed(groupId, error));
    }

    private static boolean contains(Value value, long commandId) {
        if (value instanceof Value.Batch batch) {
            for (Command command : batch.commands()) {
                if (command.id() == commandId) {
                    return true;
                }
            }
        }
        return false;
    }
}
