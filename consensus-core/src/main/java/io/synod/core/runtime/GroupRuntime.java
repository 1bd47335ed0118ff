package io.synod.core.runtime;

import io.synod.core.api.NotLeaderException;
import io.synod.core.api.OverloadedException;
import io.synod.core.api.ProposalTimeoutException;
import io.synod.core.api.StateMachine;
import io.synod.core.api.UnavailableException;
import io.synod.core.invariant.InvariantViolation;
import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.DurableState;
import io.synod.core.protocol.Message;
import io.synod.core.protocol.ProtocolConfig;
import io.synod.core.protocol.Ready;
import io.synod.core.protocol.Rejection;
import io.synod.core.protocol.Replica;
import io.synod.core.protocol.Value;
import io.synod.core.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One group on this node: drives its {@link Replica} on the group's consensus thread and carries
 * out every {@link Ready} — records to storage (their acks come back as control events), messages
 * to the transport, chosen entries to the {@link ApplyStage}, refusals to the proposers (or, for a
 * follower, the command forwarded to the leader).
 *
 * <p>If a journal write fails, the replica's memory may be ahead of its disk: the replica is
 * dropped (its held replies with it) and rebuilt from storage once storage recovers — a crash and
 * restart of this group alone. If a protocol invariant fails, the group halts for good.
 */
final class GroupRuntime {
    private static final Logger log = LoggerFactory.getLogger(GroupRuntime.class);
    private static final long STORAGE_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** A refused forward certainly had no effect, so it may be sent again (to the next leader) this often. */
    private static final int MAX_FORWARDS = 10;

    private final long groupId;
    private final int self;
    private final NodeContext node;
    private final ProtocolConfig config;
    private final ConsensusLoop loop;
    private final SplittableRandom random;
    private final Map<Long, PendingProposal> pending = new ConcurrentHashMap<>();
    private final ApplyStage apply;
    private final CommandIds commandIds;
    /** This node's proposals in submission order, which is deadline order (consensus thread only). */
    private final ArrayDeque<PendingProposal> byDeadline = new ArrayDeque<>();
    /** Proposals made while no leader was known, re-proposed once one is (consensus thread only). */
    private final ArrayDeque<PendingProposal> awaitingLeader = new ArrayDeque<>();

    private Replica replica;
    private int generation;
    private long deliveredSlot;
    private Replica.Role lastRole = Replica.Role.FOLLOWER;
    private long retryStorageAtNanos;
    private volatile String haltedBecause;
    private volatile int leaderHint;
    private volatile boolean leading;
    /** Followers' lag in slots when this node leads, else empty; refreshed every tick. */
    private volatile Map<Integer, Long> followerLag = Map.of();

    GroupRuntime(long groupId, StateMachine stateMachine, NodeContext node, ConsensusLoop loop, ProtocolConfig config,
                 CommandIds commandIds, SplittableRandom random) {
        this.groupId = groupId;
        this.self = node.nodeId();
        this.node = node;
        this.config = config;
        this.loop = loop;
        this.random = random;
        this.commandIds = commandIds;
        this.apply = new ApplyStage(groupId, stateMachine, pending, node);
    }

    long groupId() {
        return groupId;
    }

    int leaderHint() {
        return leaderHint;
    }

    boolean isLeader() {
        return leading;
    }

    Map<Integer, Long> followerLag() {
        return followerLag;
    }

    /** Reads the group's durable state; before the consensus thread starts. Corrupt state throws. */
    void recover() {
        replica = new Replica(config, node.storage().recover(groupId), random::nextInt);
    }

    /** First event on the consensus thread: replays the recovered chosen prefix to the state machine. */
    void start() {
        step(replica::start);
    }

    // ---- any thread -------------------------------------------------------------------------

    CompletableFuture<byte[]> propose(byte[] command) {
        String halted = haltedBecause;
        if (halted != null) {
            return CompletableFuture.failedFuture(new UnavailableException("group " + groupId + " halted: " + halted));
        }
        try {
            node.admission().admit(command.length);
        } catch (OverloadedException e) {
            node.metrics().proposalFailed(groupId, e);
            return CompletableFuture.failedFuture(e);
        }
        long now = node.clock().nanoTime();
        PendingProposal proposal = new PendingProposal(commandIds.next(), command.clone(), now,
                now + TimeUnit.MILLISECONDS.toNanos(node.options().proposalTimeoutMillis()), node.admission());
        node.metrics().submitted.increment();
        // Registered before it is queued, so that closing the node fails it even if it never ran.
        pending.put(proposal.commandId, proposal);
        if (!loop.submit(() -> onPropose(proposal))) {
            pending.remove(proposal.commandId);
            fail(proposal, loop.isRunning()
                    ? new OverloadedException("maxQueuedEvents", "node " + self + " has " + node.options().maxQueuedEvents()
                            + " inputs queued for its consensus threads (maxQueuedEvents); retry later")
                    : new io.synod.core.api.NodeClosedException("node " + self + " is closed"));
        }
        return proposal.future;
    }

    void deliver(Message message) {
        if (!loop.submit(() -> onMessage(message))) {
            node.metrics().messageDropped("consensus queue full");
        }
    }

    /** Fails every proposal still waiting (node closing). */
    void failPending(RuntimeException error) {
        for (PendingProposal proposal : pending.values()) {
            fail(proposal, error);
        }
        pending.clear();
    }

    // ---- consensus thread -------------------------------------------------------------------

    void tick() {
        if (haltedBecause != null) {
            return;
        }
        if (replica == null) {
            rebuildReplicaWhenStorageRecovers();
        } else {
            step(replica::tick);
            retryProposalsAwaitingLeader();
        }
        expireProposals();
        refreshFollowerLag();
    }

    /**
     * Re-proposes parked proposals once a leader other than the one that refused them is known, or
     * once an election timeout has passed since the refusal (the same node may have been re-elected).
     */
    private void retryProposalsAwaitingLeader() {
        if (awaitingLeader.isEmpty() || replica == null || replica.leaderHint() == 0) {
            return;
        }
        long now = node.clock().nanoTime();
        long patience = TimeUnit.MILLISECONDS.toNanos(node.options().electionTimeoutMillis());
        for (int n = awaitingLeader.size(); n > 0 && replica != null; n--) {
            PendingProposal proposal = awaitingLeader.poll();
            if (proposal.isDone()) {
                continue;
            }
            if (replica.leaderHint() == proposal.refusedBy && now - proposal.refusedAtNanos < patience) {
                awaitingLeader.add(proposal);
                continue;
            }
            step(() -> replica.propose(Command.ofOwned(proposal.commandId, proposal.command)));
        }
    }

    private void refreshFollowerLag() {
        if (!leading || replica == null) {
            followerLag = Map.of();
            return;
        }
        long first = replica.firstUnchosenSlot();
        Map<Integer, Long> lag = new java.util.TreeMap<>();
        replica.followerFirstUnchosenSlots().forEach((follower, slot) -> lag.put(follower, Math.max(0, first - slot)));
        followerLag = lag;
    }

    private void onMessage(Message message) {
        if (replica != null) {
            step(() -> replica.receive(message));
        } else if (message instanceof Message.Forward forward) {
            // We certainly did not queue it: say so, so the follower can try the next leader now.
            node.transport().send(new Message.ForwardRejected(groupId, self, forward.from(), forward.command().id(),
                    Rejection.Reason.NOT_LEADER, 0));
        }
    }

    private void onPropose(PendingProposal proposal) {
        if (proposal.isDone()) {
            return;
        }
        if (replica == null) {
            pending.remove(proposal.commandId);
            fail(proposal, new UnavailableException("group " + groupId + " on node " + self
                    + (haltedBecause != null ? " halted: " + haltedBecause : " is recovering from a storage failure")
                    + "; the command was not proposed"));
            return;
        }
        byDeadline.add(proposal);
        step(() -> replica.propose(Command.ofOwned(proposal.commandId, proposal.command)));
    }

    private void onPersisted(int forGeneration, long persistSeq, long issuedNanos, int records) {
        if (forGeneration != generation || replica == null) {
            return; // an ack for a replica that was dropped after a storage failure
        }
        node.metrics().journalSynced(groupId, records, node.clock().nanoTime() - issuedNanos);
        step(() -> replica.persisted(persistSeq));
    }

    private void onPersistFailed(int forGeneration, Throwable error) {
        if (forGeneration != generation || replica == null) {
            return;
        }
        log.warn("group {}: journal write failed ({}); dropping this replica's memory and recovering it from storage",
                groupId, error.toString());
        replica = null;
        generation++;
        retryStorageAtNanos = node.clock().nanoTime() + STORAGE_RETRY_NANOS;
        noteRole(Replica.Role.FOLLOWER, 0, "journal write failed");
    }

    private void rebuildReplicaWhenStorageRecovers() {
        long now = node.clock().nanoTime();
        if (now < retryStorageAtNanos) {
            return;
        }
        try {
            DurableState state = node.storage().recover(groupId);
            replica = new Replica(config, state, random::nextInt);
            log.info("group {}: recovered from storage after a write failure (first unchosen slot {})",
                    groupId, replica.firstUnchosenSlot());
            step(replica::start);
        } catch (StorageException.Corrupt e) {
            halt("stored state is corrupt: " + e.getMessage());
        } catch (StorageException e) {
            retryStorageAtNanos = now + STORAGE_RETRY_NANOS;
            log.debug("group {}: storage still unavailable: {}", groupId, e.toString());
        }
    }

    private void step(Supplier<Ready> input) {
        Ready ready;
        try {
            ready = input.get();
        } catch (InvariantViolation e) {
            halt("protocol invariant violated: " + e.getMessage());
            return;
        }
        carryOut(ready);
        if (replica != null) {
            noteRole(replica.role(), replica.leaderHint(), replica.lastTransition());
        }
    }

    private void carryOut(Ready ready) {
        if (!ready.records().isEmpty()) {
            persist(ready);
        }
        for (Message message : ready.messages()) {
            node.transport().send(message); // a dropped message is retransmitted by the protocol
        }
        for (ChosenEntry entry : ready.committed()) {
            commit(entry);
        }
        for (Rejection rejection : ready.rejections()) {
            refused(rejection);
        }
    }

    private void persist(Ready ready) {
        int forGeneration = generation;
        long seq = ready.persistSeq();
        int records = ready.records().size();
        long issued = node.clock().nanoTime();
        CompletableFuture<Void> written;
        try {
            written = node.storage().append(groupId, ready.records());
        } catch (StorageException e) {
            written = CompletableFuture.failedFuture(e);
        }
        written.whenComplete((ok, error) -> loop.control(() -> {
            if (error == null) {
                onPersisted(forGeneration, seq, issued, records);
            } else {
                onPersistFailed(forGeneration, error);
            }
        }));
    }

    private void commit(ChosenEntry entry) {
        if (entry.slot() <= deliveredSlot) {
            return; // applied before this replica was rebuilt from storage
        }
        deliveredSlot = entry.slot();
        if (entry.value() instanceof Value.Batch batch) {
            long now = node.clock().nanoTime();
            for (Command command : batch.commands()) {
                PendingProposal proposal = pending.get(command.id());
                if (proposal != null) {
                    proposal.committedNanos = now;
                }
            }
        }
        node.metrics().bytesChosen(groupId, entry.value().sizeBytes());
        apply.submit(entry);
    }

    private void refused(Rejection rejection) {
        PendingProposal proposal = pending.get(rejection.commandId());
        if (proposal == null) {
            return;
        }
        int hint = rejection.leaderHint();
        // Every refusal is definitive (the command got no slot), so trying again cannot apply it twice.
        boolean retry = rejection.reason() == Rejection.Reason.NOT_LEADER && node.options().forwardToLeader()
                && proposal.forwards < MAX_FORWARDS;
        if (retry && (hint == 0 || hint == self || hint == proposal.refusedBy)) {
            // An election is under way (or the hint names who just refused): wait for a new leader.
            proposal.refusedBy = rejection.refusedBy();
            proposal.refusedAtNanos = node.clock().nanoTime();
            awaitingLeader.add(proposal);
            return;
        }
        if (retry) {
            proposal.forwards++;
            proposal.refusedBy = rejection.refusedBy();
            proposal.refusedAtNanos = node.clock().nanoTime();
            if (node.transport().send(new Message.Forward(groupId, self, hint, Command.ofOwned(proposal.commandId, proposal.command)))) {
                return; // the outcome arrives with our own copy of the log
            }
        }
        pending.remove(proposal.commandId);
        fail(proposal, rejection.reason() == Rejection.Reason.OVERLOADED
                ? new OverloadedException("maxPendingProposals", "group " + groupId + ": the leader (node " + hint
                        + ") has maxPendingProposals commands waiting for a slot; retry later")
                : new NotLeaderException(groupId, self, hint));
    }

    private void expireProposals() {
        long now = node.clock().nanoTime();
        PendingProposal head;
        while ((head = byDeadline.peek()) != null && (head.isDone() || now >= head.deadlineNanos)) {
            byDeadline.poll();
            if (!head.isDone() && pending.remove(head.commandId) != null) {
                fail(head, new ProposalTimeoutException(groupId, node.options().proposalTimeoutMillis()));
            }
        }
    }

    private void noteRole(Replica.Role role, int hint, String why) {
        if (role != lastRole) {
            log.info("group {}: node {} is now {}: {}", groupId, self, role, why);
            lastRole = role;
        }
        if (hint != leaderHint) {
            leaderHint = hint;
            node.metrics().leaderChanged(groupId, hint);
        }
        leading = role == Replica.Role.LEADER;
    }

    private void halt(String why) {
        log.error("group {} on node {} halted and will not act again until restarted: {}", groupId, self, why);
        haltedBecause = why;
        replica = null;
        generation++;
        leading = false;
        failPending(new UnavailableException("group " + groupId + " halted: " + why));
    }

    private void fail(PendingProposal proposal, RuntimeException error) {
        if (proposal.fail(error)) {
            node.metrics().proposalFailed(groupId, error);
        }
    }
}
