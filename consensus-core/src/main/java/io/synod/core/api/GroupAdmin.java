package io.synod.core.api;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Changes who takes part in one consensus group while it runs, and hands its leadership over:
 * the operator's surface, kept apart from {@link ReplicatedGroup}'s data path. Obtain it from
 * {@link ReplicatedGroup#admin()}.
 *
 * <h2>How a change happens</h2>
 * Every change goes through the group's log: the leader proposes it, and once chosen in slot
 * {@code c} it takes effect at slot {@code c + 64} (a fixed window of 64 slots, the same on
 * every replica; see docs/protocol.md, "Membership changes"), so every replica switches at the
 * same slot. Only one change may be pending at a time, and
 * each expects the membership it replaces: two operators racing cannot both succeed.
 *
 * <p>To add a replica: start it as a <em>joining</em> node ({@link SynodNode.Builder#joining}),
 * {@link #addLearner} it (it receives the log, or a snapshot when the log is compacted, and can
 * serve {@link ReadConsistency#STALE stale} and {@link ReadConsistency#LINEARIZABLE linearizable}
 * reads, but never votes or leads), wait until it has caught up, then {@link #promote} it to a
 * voter. To replace a dead replica: add its successor that way, then {@link #remove} the dead one.
 *
 * <h2>Outcomes</h2>
 * Changes and transfers must be asked of the group's leader: elsewhere their futures fail with
 * {@link NotLeaderException}, whose {@link NotLeaderException#leaderHint() hint} says where to ask.
 * A request that is invalid now fails with {@link MembershipChangeException} naming the problem
 * (unknown node, the last voter, a change already in progress, a learner still behind); it had no
 * effect. {@link ProposalTimeoutException} or {@link NodeClosedException} mean the outcome is
 * unknown: read {@link #status()} to see whether the change was made.
 *
 * <p>Thread-safe; every method returns at once and runs on the group's consensus thread.
 */
public interface GroupAdmin {

    /**
     * What this node knows of the group: its memberships (in force, and pending if a change is
     * waiting to take effect), the leader, and — on the leader — how far each member has caught up.
     * Any node answers.
     */
    CompletableFuture<GroupStatus> status();

    /**
     * Adds {@code nodeId}, reachable for the other replicas at {@code address}, as a learner: it
     * receives the log and snapshots but does not vote. Completes once the change is chosen; it
     * takes effect at the returned membership's {@link GroupMembership#effectiveSlot()}. Fails with
     * {@link MembershipChangeException} if the node is already a member or another change is in
     * progress.
     */
    CompletableFuture<MembershipChange> addLearner(int nodeId, InetSocketAddress address);

    /**
     * Makes learner {@code nodeId} a voter. Refused ({@link MembershipChangeException.Reason#NOT_CAUGHT_UP})
     * unless the learner's log is within {@link SynodOptions#maxPromotionLagSlots()} slots of the
     * leader's commit point, so that a voter which cannot yet vote usefully never weakens a quorum;
     * the message names the lag.
     */
    CompletableFuture<MembershipChange> promote(int nodeId);

    /**
     * Removes voter or learner {@code nodeId} (it may be dead). Refused for a node that is not a
     * member and for the last voter. Removing the leader itself is allowed: it hands leadership to
     * the most up-to-date remaining voter once its slots are chosen.
     */
    CompletableFuture<MembershipChange> remove(int nodeId);

    /**
     * Hands leadership to voter {@code nodeId}, for maintenance of this node: the leader stops
     * taking commands (they are refused with {@link NotLeaderException} naming the target, so
     * callers follow at once), waits until the target has every chosen slot, tells it to campaign
     * right away, and steps down. Completes once the target is heard leading. Fails with
     * {@link MembershipChangeException} if the target is this node, not a voter, or did not take
     * over in time (then this node normally still leads).
     */
    CompletableFuture<Void> transferLeadership(int nodeId);
}
