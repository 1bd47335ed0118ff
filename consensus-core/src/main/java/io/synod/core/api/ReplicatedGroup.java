package io.synod.core.api;

import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * One consensus group hosted by a {@link SynodNode}: a replicated log driving one
 * {@link StateMachine}. Thread-safe; obtain it from {@link SynodNode#group(long)}.
 */
public interface ReplicatedGroup {

    long groupId();

    /**
     * Replicates {@code command} and completes with the state machine's result once the command is
     * chosen and applied on this node. On a node that is not the leader, the command is forwarded to
     * the leader (unless forwarding is off, in which case the future fails with
     * {@link NotLeaderException}).
     *
     * <p>The future fails with {@link NotLeaderException} or {@link OverloadedException} (certainly
     * not applied), {@link CommandTooLargeException} (not proposed), {@link ProposalTimeoutException}
     * or {@link NodeClosedException} (outcome unknown). Never blocks; the array is copied.
     */
    CompletableFuture<byte[]> propose(byte[] command);

    /**
     * Opens an exactly-once session (through the log); it expires after {@code maxIdleEntries}
     * commands of the group are applied without one of its own.
     */
    CompletableFuture<ClientSession> openSession(long maxIdleEntries);

    /** {@link #openSession(long)} with a limit of 10,000,000 commands. */
    default CompletableFuture<ClientSession> openSession() {
        return openSession(10_000_000L);
    }

    /**
     * A handle on an existing session — after the client restarted, or on another node — whose next
     * command will use {@code nextSequence}.
     */
    ClientSession resumeSession(long clientId, long nextSequence);

    /**
     * Answers {@code query} with {@link StateMachine#query} without writing to the log, as fresh as
     * {@code consistency} asks (see {@link ReadConsistency}). The query runs on the group's apply
     * thread, between two applies, once this node has applied far enough.
     *
     * <p>The future fails with {@link ReadTimeoutException} (retry: reads have no effect),
     * {@link UnavailableException}, {@link OverloadedException}, {@link NodeClosedException}, or a
     * {@link SynodException} wrapping what the state machine's {@code query} threw.
     */
    CompletableFuture<byte[]> read(byte[] query, ReadConsistency consistency);

    /** A {@link ReadConsistency#LINEARIZABLE} read. */
    default CompletableFuture<byte[]> read(byte[] query) {
        return read(query, ReadConsistency.LINEARIZABLE);
    }

    /**
     * A {@link ReadConsistency#STALE} read that waits until this node has applied at least
     * {@code minIndex} commands (the {@code index} of {@link StateMachine#apply}): "no older than
     * what I saw". Typically {@code minIndex} is {@link #appliedIndex()} read on the node that
     * acknowledged the caller's last write, which gives read-your-writes on any replica without a
     * round trip to the leader.
     */
    CompletableFuture<byte[]> readAtLeast(byte[] query, long minIndex);

    /**
     * The index of the last command this node's state machine applied (0 before the first).
     * After a proposal's future completed on this node, this is at least that command's index.
     */
    long appliedIndex();

    /** The node believed to lead this group, if known. */
    OptionalInt leader();

    boolean isLeader();

    /**
     * Membership changes (add a learner, promote it, remove a replica), leadership transfer and the
     * group's status: see {@link GroupAdmin}. A separate handle, because these are the operator's
     * tools, not the application's.
     */
    GroupAdmin admin();
}
