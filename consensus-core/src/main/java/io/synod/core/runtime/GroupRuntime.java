package io.synod.core.runtime;

import io.synod.core.api.OverloadedException;
import io.synod.core.api.ReadConsistency;
import io.synod.core.api.StateMachine;
import io.synod.core.api.UnavailableException;
import io.synod.core.invariant.InvariantViolation;
import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.DurableState;
import io.synod.core.protocol.Message;
import io.synod.core.protocol.ProtocolConfig;
import io.synod.core.protocol.LeaseRead;
import io.synod.core.protocol.MembershipHistory;
import io.synod.core.protocol.ReadIndex;
import io.synod.core.protocol.Ready;
import io.synod.core.protocol.Rejection;
import io.synod.core.protocol.Replica;
import io.synod.core.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One group on this node: drives its {@link Replica} on the group's consensus thread and carries
 * out every {@link Ready} — records to storage (their acks come back as control events), messages
 * to the transport, chosen entries to the {@link ApplyStage}, refusals to the
 * {@link ProposalTracker}.
 *
 * <p>If a journal write fails, the replica's memory may be ahead of its disk: the replica is
 * dropped (its held replies with it) and rebuilt from storage once storage recovers — a crash and
 * restart of this group alone. If a protocol invariant fails, the group halts for good.
 */
final class GroupRuntime {
    private static final Logger log = LoggerFactory.getLogger(GroupRuntime.class);
    private static final long STORAGE_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private final long groupId;
    private final int self;
    private final NodeContext node;
    private final ProtocolConfig config;
    private final ConsensusLoop loop;
    private final SplittableRandom random;
    private final ProposalTracker proposals;
    private final ApplyStage apply;
    private final GroupSnapshots snapshots;
    private final SnapshotSource snapshotSource;
    private final SnapshotInstaller installer;
    private final JournalCatchUp journalCatchUp;
    private final LeaseClock leaseClock;
    private final ReadTracker reads;
    private final GroupMemberships memberships;
    private final AdminRequests admin;
    private final ReadTracker.Replica reader = new ReadTracker.Replica() {
        @Override
        public boolean available() {
            return replica != null;
        }

        @Override
        public LeaseRead leaseRead() {
            return replica.leaseRead();
        }

        @Override
        public void readIndex(long readId) {
            step(() -> replica.readIndex(readId));
        }
    };
    /** Commands proposed in this pass of the consensus loop, proposed together at its end. */
    private final List<Command> proposedThisPass = new ArrayList<>();
    private final ProposalTracker.Replica proposer = new ProposalTracker.Replica() {
        @Override
        public void propose(Command command) {
            if (replica == null) {
                return;
            }
            // One step for all of a pass's commands: the leader batches them into as few slots as
            // it can, instead of a slot (and an Accept per member) per command as they come.
            if (proposedThisPass.isEmpty()) {
                loop.atEndOfPass(GroupRuntime.this::proposeThisPass);
            }
            proposedThisPass.add(command);
        }

        @Override
        public int leaderHint() {
            return replica == null ? 0 : replica.leaderHint();
        }
    };

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
        this.proposals = new ProposalTracker(groupId, node, commandIds);
        this.snapshots = new GroupSnapshots(groupId, node, loop, this::snapshotTaken);
        this.apply = new ApplyStage(groupId, stateMachine, proposals.pending(), node, snapshots,
                new MembershipHistory(config.initialMembership(), config.membershipActivationSlots()));
        snapshots.attach(apply);
        this.snapshotSource = new SnapshotSource(groupId, node);
        this.installer = new SnapshotInstaller(groupId, node, loop, this::installSnapshot);
        this.journalCatchUp = new JournalCatchUp(groupId, node, loop);
        this.leaseClock = new LeaseClock(node.options().tickMillis() * 1_000_000L);
        this.reads = new ReadTracker(groupId, node, apply, leaseClock);
        this.memberships = new GroupMemberships(groupId, node.peers(),
                new MembershipHistory(config.initialMembership(), config.membershipActivationSlots()));
        this.admin = new AdminRequests(groupId, node, loop, commandIds, new AdminRequests.Group() {
            @Override
            public Replica replica() {
                return replica;
            }

            @Override
            public String haltedBecause() {
                return haltedBecause;
            }

            @Override
            public void step(Supplier<Ready> input) {
                GroupRuntime.this.step(input);
            }

            @Override
            public long appliedIndex() {
                return apply.appliedIndex();
            }
        });
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

    /**
     * Reads the group's durable state and restores its snapshot into the state machine; before the
     * consensus thread starts. Corrupt state throws.
     */
    void recover() {
        DurableState state = node.storage().recover(groupId);
        deliveredSlot = snapshots.restoreOnStart(state);
        replica = new Replica(config, state, random::nextInt);
        memberships.reset(state.snapshotMemberships() != null ? state.snapshotMemberships()
                : new MembershipHistory(config.initialMembership(), config.membershipActivationSlots())
                        .unchangedThrough(deliveredSlot));
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
        return proposeEnvelope(CommandEnvelope.plain(command), node.options().proposalTimeoutMillis());
    }

    /** Proposes a {@link CommandEnvelope} as it is (sessions build their own); gives up after {@code timeoutMillis}. */
    CompletableFuture<byte[]> proposeEnvelope(byte[] envelope, long timeoutMillis) {
        String halted = haltedBecause;
        if (halted != null) {
            return CompletableFuture.failedFuture(new UnavailableException("group " + groupId + " halted: " + halted));
        }
        return proposals.propose(envelope, timeoutMillis, loop, this::onPropose);
    }

    /** A read outside the log (see {@code ReplicatedGroup#read}); {@code minIndex} bounds STALE reads. */
    CompletableFuture<byte[]> read(byte[] query, ReadConsistency consistency, long minIndex) {
        String halted = haltedBecause;
        if (halted != null) {
            return CompletableFuture.failedFuture(new UnavailableException("group " + groupId + " halted: " + halted));
        }
        CompletableFuture<byte[]> future = new CompletableFuture<>();
        if (!loop.submit(() -> reads.start(query, consistency, minIndex, future, reader))) {
            future.completeExceptionally(new OverloadedException("maxQueuedEvents", "group " + groupId
                    + ": the consensus thread's queue is full; retry the read later"));
        }
        return future;
    }

    /** This group's operator requests (any thread: they run on the consensus thread). */
    AdminRequests admin() {
        return admin;
    }

    /** Index of the last command this node applied. */
    long appliedIndex() {
        return apply.appliedIndex();
    }

    void deliver(Message message) {
        if (!loop.submit(() -> onMessage(message))) {
            node.metrics().messageDropped("consensus queue full");
        }
    }

    /** Fails every proposal still waiting (node closing). */
    void failPending(RuntimeException error) {
        proposals.failAll(error);
        reads.failAll(error);
        apply.failReads(error);
        admin.failAll(error);
    }

    // ---- consensus thread -------------------------------------------------------------------

    void tick() {
        if (haltedBecause != null) {
            return;
        }
        if (replica == null) {
            rebuildReplicaWhenStorageRecovers();
        } else {
            leaseClock.beforeTick(replica.now() + 1, node.clock().nanoTime());
            step(replica::tick);
        }
        proposals.tick(proposer);
        reads.tick(reader);
        admin.tick();
        installer.tick();
        refreshFollowerLag();
    }

    private void proposeThisPass() {
        List<Command> commands = List.copyOf(proposedThisPass);
        proposedThisPass.clear();
        if (replica != null) {
            step(() -> replica.proposeAll(commands));
        }
    }

    private void onPropose(PendingProposal proposal) {
        if (proposal.isDone()) {
            return;
        }
        if (replica == null) {
            proposals.refuse(proposal, new UnavailableException("group " + groupId + " on node " + self
                    + (haltedBecause != null ? " halted: " + haltedBecause : " is recovering from a storage failure")
                    + "; the command was not proposed"));
            return;
        }
        proposals.started(proposal, proposer);
    }

    private void onMessage(Message message) {
        if (message instanceof Message.SnapshotRequest request) {
            snapshotSource.serve(request);
            return;
        }
        if (message instanceof Message.SnapshotChunk chunk) {
            installer.onChunk(chunk);
            return;
        }
        if (message instanceof Message.Accept accept) {
            proposals.noteSlot(accept, deliveredSlot);
        }
        admin.observe(message);
        if (replica != null) {
            step(() -> replica.receive(message));
        } else if (message instanceof Message.Forward forward) {
            // We certainly did not queue it: say so, so the follower can try the next leader now.
            send(new Message.ForwardRejected(groupId, self, forward.from(), forward.command().id(), forward.attempt(),
                    Rejection.Reason.NOT_LEADER, 0));
        }
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
            snapshots.attachMemberships(state);
            replica = new Replica(config, state, random::nextInt);
            leaseClock.reset();
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
            if (message instanceof Message.Accept accept) {
                proposals.noteSlot(accept, deliveredSlot); // our own leader gave a slot
                admin.noteSlot(accept);
            }
            send(message);
        }
        for (ChosenEntry entry : ready.committed()) {
            commit(entry);
        }
        for (Rejection rejection : ready.rejections()) {
            admin.refused(rejection);
            proposals.refused(rejection);
        }
        for (ReadIndex outcome : ready.reads()) {
            reads.onOutcome(outcome);
        }
        for (Ready.SnapshotNeeded needed : ready.snapshotsNeeded()) {
            installer.start(needed.source(), needed.slot());
        }
        for (Ready.JournalRead read : ready.journalReads()) {
            journalCatchUp.serve(read);
        }
    }

    private void send(Message message) {
        if (HeartbeatCoalescer.coalesces(message)) {
            loop.heartbeats().add(message); // sent with the other groups' at the end of this pass
        } else if (!node.transport().send(message)) {
            proposals.undelivered(message); // the protocol retransmits everything but refusals of forwards
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
        String refusal = memberships.fold(entry);
        admin.chosen(entry, refusal, memberships.history()); // any value: it may take the slot of our change
        node.metrics().bytesChosen(groupId, entry.value().sizeBytes());
        proposals.chosen(entry, proposer); // stamps commit times before an apply thread can read them
        apply.submit(entry);
    }

    /** Another replica's snapshot at {@code slot} is durably stored here: restore it and fast-forward. */
    private void installSnapshot(long slot) {
        if (slot <= deliveredSlot) {
            return; // we got there through the log meanwhile
        }
        MembershipHistory installed = snapshots.installStored(slot);
        deliveredSlot = slot;
        memberships.reset(installed);
        if (replica != null) {
            step(() -> replica.snapshotInstalled(slot, installed));
        }
    }

    /** Our snapshot at {@code slot} is durable: the replica forgets what it covers. */
    private void snapshotTaken(long slot) {
        if (replica != null) {
            step(() -> replica.compact(slot));
        }
    }

    private void refreshFollowerLag() {
        if (!leading || replica == null) {
            followerLag = Map.of();
            return;
        }
        long first = replica.firstUnchosenSlot();
        Map<Integer, Long> lag = new TreeMap<>();
        replica.followerFirstUnchosenSlots().forEach((follower, slot) -> lag.put(follower, Math.max(0, first - slot)));
        followerLag = lag;
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
        proposals.failAll(new UnavailableException("group " + groupId + " halted: " + why));
        reads.failAll(new UnavailableException("group " + groupId + " halted: " + why));
        admin.failAll(new UnavailableException("group " + groupId + " halted: " + why));
    }
}
