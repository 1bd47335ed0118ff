package io.synod.core.runtime;

import io.synod.core.api.GroupMembership;
import io.synod.core.api.GroupStatus;
import io.synod.core.api.MembershipChange;
import io.synod.core.api.MembershipChangeException;
import io.synod.core.api.MembershipChangeException.Reason;
import io.synod.core.api.NotLeaderException;
import io.synod.core.api.OverloadedException;
import io.synod.core.api.ProposalTimeoutException;
import io.synod.core.api.UnavailableException;
import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.Membership;
import io.synod.core.protocol.MembershipHistory;
import io.synod.core.protocol.Message;
import io.synod.core.protocol.Ready;
import io.synod.core.protocol.Rejection;
import io.synod.core.protocol.Replica;
import io.synod.core.protocol.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One group's operator requests on this node, from the call to their outcome: membership changes
 * (at most one at a time) and a leadership transfer. A change completes when its value is chosen —
 * with the membership it makes, or with why it had no effect — or fails early when the leader
 * refused it or lost the slot it gave it; a transfer completes when the target is heard leading.
 * Futures complete on {@code node.applyPool()}, never on the consensus thread.
 *
 * <p>Consensus thread only.
 */
final class AdminRequests {
    private static final Logger log = LoggerFactory.getLogger(AdminRequests.class);

    /** What the requests need of their group (consensus thread). */
    interface Group {
        /** The replica, or null while the group recovers from a storage failure or has halted. */
        Replica replica();

        /** Why the group halted for good, or null (any thread). */
        String haltedBecause();

        /** Runs one step of the replica and carries out its effects. */
        void step(Supplier<Ready> input);

        long appliedIndex();
    }

    /** The kinds of membership change an operator asks for. */
    enum Kind { ADD_LEARNER, PROMOTE, REMOVE }

    private static final class PendingChange {
        final Value.Reconfigure change;
        final String what;
        final CompletableFuture<MembershipChange> future;
        final long deadlineNanos;
        long slot;

        PendingChange(Value.Reconfigure change, String what, CompletableFuture<MembershipChange> future, long deadlineNanos) {
            this.change = change;
            this.what = what;
            this.future = future;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private record PendingTransfer(int target, Ballot from, CompletableFuture<Void> future, long deadlineNanos) {
    }

    private final long groupId;
    private final int self;
    private final NodeContext node;
    private final ConsensusLoop loop;
    private final CommandIds ids;
    private final Group group;
    private PendingChange change;
    private PendingTransfer transfer;

    AdminRequests(long groupId, NodeContext node, ConsensusLoop loop, CommandIds ids, Group group) {
        this.groupId = groupId;
        this.self = node.nodeId();
        this.node = node;
        this.loop = loop;
        this.ids = ids;
        this.group = group;
    }

    // ---- any thread -------------------------------------------------------------------------

    CompletableFuture<GroupStatus> status() {
        CompletableFuture<GroupStatus> future = new CompletableFuture<>();
        submit(() -> status(future), future);
        return future;
    }

    /** {@code address} ("host:port") only for {@link Kind#ADD_LEARNER}. */
    CompletableFuture<MembershipChange> change(Kind kind, int nodeId, String address) {
        CompletableFuture<MembershipChange> future = new CompletableFuture<>();
        submit(() -> change(kind, nodeId, address, future), future);
        return future;
    }

    CompletableFuture<Void> transfer(int target) {
        CompletableFuture<Void> future = new CompletableFuture<>();
        submit(() -> transfer(target, future), future);
        return future;
    }

    private void submit(Runnable request, CompletableFuture<?> future) {
        String halted = group.haltedBecause();
        if (halted != null) {
            future.completeExceptionally(new UnavailableException("group " + groupId + " halted: " + halted));
        } else if (!loop.submit(request)) {
            future.completeExceptionally(new OverloadedException("maxQueuedEvents", "group " + groupId
                    + ": the consensus thread's queue is full; retry later"));
        }
    }

    // ---- consensus thread -------------------------------------------------------------------

    private void status(CompletableFuture<GroupStatus> future) {
        Replica replica = group.replica();
        if (replica == null) {
            fail(future, unavailable());
            return;
        }
        MembershipHistory history = replica.memberships();
        long first = replica.firstUnchosenSlot();
        Membership current = history.at(first);
        Membership latest = history.latest();
        GroupMembership pending = latest.epoch() == current.epoch() ? null
                : MembershipRequests.view(latest, history.latestEffectiveSlot());
        complete(future, new GroupStatus(groupId, self, replica.leaderHint(),
                MembershipRequests.view(current, history.effectiveSlot(current)), pending, first, group.appliedIndex(),
                replica.followerFirstUnchosenSlots()));
    }

    private void change(Kind kind, int nodeId, String address, CompletableFuture<MembershipChange> future) {
        try {
            Replica replica = leaderReplica();
            requireNothingInProgress();
            MembershipRequests.LeaderView view = new MembershipRequests.LeaderView(groupId, replica.memberships(),
                    replica.firstUnchosenSlot(), replica.followerFirstUnchosenSlots(),
                    id -> node.peers().recentlyHeard(id, electionTimeoutNanos()));
            MembershipRequests.requireNoPendingChange(view);
            long requestId = ids.next();
            Value.Reconfigure reconfigure = switch (kind) {
                case ADD_LEARNER -> MembershipRequests.addLearner(view, requestId, nodeId, address);
                case PROMOTE -> MembershipRequests.promote(view, requestId, nodeId, node.options().maxPromotionLagSlots());
                case REMOVE -> MembershipRequests.remove(view, requestId, nodeId);
            };
            String refusal = replica.changeRefusal(reconfigure);
            if (refusal != null) {
                throw new MembershipChangeException(groupId, Reason.INVALID, refusal);
            }
            String what = kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " node " + nodeId;
            change = new PendingChange(reconfigure, what, future,
                    node.clock().nanoTime() + TimeUnit.MILLISECONDS.toNanos(node.options().proposalTimeoutMillis()));
            log.info("group {}: proposing a membership change: {} ({})", groupId, what, reconfigure);
            group.step(() -> replica.proposeChange(reconfigure));
        } catch (RuntimeException e) {
            fail(future, e);
        }
    }

    private void transfer(int target, CompletableFuture<Void> future) {
        try {
            Replica replica = leaderReplica();
            requireNothingInProgress();
            Ballot ballot = replica.ownBallot();
            try {
                group.step(() -> replica.transferLeadership(target));
            } catch (IllegalArgumentException e) {
                throw new MembershipChangeException(groupId, target == self ? Reason.INVALID : Reason.UNKNOWN_NODE,
                        e.getMessage());
            }
            // The target must first catch up (at most an election timeout), then win one election round.
            long patience = 3 * electionTimeoutNanos();
            transfer = new PendingTransfer(target, ballot, future, node.clock().nanoTime() + patience);
            log.info("group {}: handing leadership from node {} to node {}", groupId, self, target);
        } catch (RuntimeException e) {
            fail(future, e);
        }
    }

    // ---- outcomes ----------------------------------------------------------------------------

    /** Our own leader's Accept: remember which slot our change went to. */
    void noteSlot(Message.Accept accept) {
        if (change != null && accept.value() instanceof Value.Reconfigure r && r.requestId() == change.change.requestId()) {
            change.slot = accept.slot();
        }
    }

    /**
     * A slot was delivered; {@code refusal} says why a change in it had no effect, and
     * {@code history} is folded through it.
     */
    void chosen(ChosenEntry entry, String refusal, MembershipHistory history) {
        if (change == null) {
            return;
        }
        PendingChange pending = change;
        if (entry.value() instanceof Value.Reconfigure r && r.requestId() == pending.change.requestId()) {
            change = null;
            if (refusal != null) {
                fail(pending.future, new MembershipChangeException(groupId, Reason.CONCURRENT_CHANGE,
                        "the change was chosen in slot " + entry.slot() + " but had no effect: " + refusal));
                return;
            }
            long effective = entry.slot() + history.activationDelay();
            Membership made = history.at(effective);
            log.info("group {}: membership change chosen in slot {}: {}; in force from slot {}", groupId, entry.slot(),
                    MembershipRequests.describe(made), effective);
            complete(pending.future, new MembershipChange(groupId, MembershipRequests.view(made, effective), entry.slot()));
        } else if (pending.slot == entry.slot()) {
            // Each leader gives a change one slot; another value was chosen there, so ours never will be.
            change = null;
            Replica replica = group.replica();
            fail(pending.future, new NotLeaderException(groupId, self, replica == null ? 0 : replica.leaderHint()));
        }
    }

    /** A proposal the replica refused: ours if it carries our change's id. */
    void refused(Rejection rejection) {
        if (change == null || rejection.commandId() != change.change.requestId()) {
            return;
        }
        PendingChange pending = change;
        change = null;
        fail(pending.future, rejection.reason() == Rejection.Reason.NOT_LEADER
                ? new NotLeaderException(groupId, self, rejection.leaderHint())
                : new MembershipChangeException(groupId, Reason.CONCURRENT_CHANGE, "the leader refused to "
                        + pending.what + ": another membership change is in progress, or leadership is being handed"
                        + " over; retry once it completes"));
    }

    /** Every inbound message: a heartbeat or accept from the transfer target at a newer ballot means it leads. */
    void observe(Message message) {
        if (transfer == null || message.from() != transfer.target()) {
            return;
        }
        Ballot ballot = message instanceof Message.Heartbeat h ? h.ballot()
                : message instanceof Message.Accept a ? a.ballot() : null;
        if (ballot != null && (transfer.from() == null || ballot.isAbove(transfer.from()))) {
            PendingTransfer done = transfer;
            transfer = null;
            log.info("group {}: node {} leads now (ballot {}), as asked", groupId, done.target(), ballot);
            complete(done.future(), null);
        }
    }

    /** Every tick: requests past their deadline. */
    void tick() {
        long now = node.clock().nanoTime();
        if (change != null && now >= change.deadlineNanos) {
            PendingChange pending = change;
            change = null;
            fail(pending.future, new ProposalTimeoutException(groupId, node.options().proposalTimeoutMillis()));
        }
        if (transfer != null && now >= transfer.deadlineNanos()) {
            PendingTransfer late = transfer;
            transfer = null;
            Replica replica = group.replica();
            int leader = replica == null ? 0 : replica.leaderHint();
            fail(late.future(), new MembershipChangeException(groupId, Reason.TRANSFER_NOT_COMPLETED, "node "
                    + late.target() + " did not take over within " + TimeUnit.NANOSECONDS.toMillis(3 * electionTimeoutNanos())
                    + " ms (it must first have every chosen slot: is it running and reachable?); "
                    + (leader == 0 ? "no leader is known now" : "node " + leader + " leads now")));
        }
    }

    void failAll(RuntimeException error) {
        if (change != null) {
            fail(change.future, error);
            change = null;
        }
        if (transfer != null) {
            fail(transfer.future(), error);
            transfer = null;
        }
    }

    // ---- helpers -----------------------------------------------------------------------------

    private Replica leaderReplica() {
        Replica replica = group.replica();
        if (replica == null) {
            throw unavailable();
        }
        if (replica.role() != Replica.Role.LEADER) {
            throw new NotLeaderException(groupId, self, replica.leaderHint());
        }
        return replica;
    }

    private void requireNothingInProgress() {
        if (change != null) {
            throw new MembershipChangeException(groupId, Reason.CONCURRENT_CHANGE, "another request of this node ("
                    + change.what + ") is still waiting to be chosen; retry once it completes");
        }
        if (transfer != null) {
            throw new MembershipChangeException(groupId, Reason.CONCURRENT_CHANGE, "leadership is being handed to node "
                    + transfer.target() + "; retry on the new leader");
        }
    }

    private UnavailableException unavailable() {
        return new UnavailableException("group " + groupId + " on node " + self
                + " is recovering from a storage failure or has halted; ask another node");
    }

    private long electionTimeoutNanos() {
        return TimeUnit.MILLISECONDS.toNanos(node.options().electionTimeoutMillis());
    }

    private <T> void complete(CompletableFuture<T> future, T value) {
        offThisThread(() -> future.complete(value));
    }

    private void fail(CompletableFuture<?> future, Throwable error) {
        offThisThread(() -> future.completeExceptionally(error));
    }

    /** Callers' callbacks must not run on the consensus thread; while the node closes, any thread will do. */
    private void offThisThread(Runnable completion) {
        try {
            node.applyPool().execute(completion);
        } catch (RejectedExecutionException closing) {
            completion.run();
        }
    }
}
