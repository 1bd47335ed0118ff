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

    /** The node believed to lead this group, if known. */
    OptionalInt leader();

    boolean isLeader();
}
