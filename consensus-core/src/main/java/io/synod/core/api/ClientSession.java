package io.synod.core.api;

import java.util.concurrent.CompletableFuture;

/**
 * Exactly-once proposals. Each command of a session carries the session's id and a sequence number;
 * the group applies a (session, sequence) at most once, in log order, and a retry of a command that
 * was already applied returns its first result. So {@link #propose} can, and does, retry through
 * leader changes, timeouts and refusals without ever applying a command twice. The session table
 * is replicated state (it survives leader changes, restarts and snapshots); a session expires after
 * {@code maxIdleEntries} commands of the group were applied without one of its own.
 *
 * <p>Thread-safe. Results the client has received are acknowledged with its next commands, so the
 * group forgets them.
 */
public interface ClientSession extends AutoCloseable {

    /** The session's id; with {@link #nextSequence()} all a client needs to resume after a restart of its own. */
    long clientId();

    /** The sequence number the next {@link #propose(byte[])} will use. */
    long nextSequence();

    /**
     * Proposes {@code command} with the next sequence number, retrying with the same number until it
     * has an outcome: the result (of the first application, if it was applied before), or a failure
     * that is final — {@link SessionExpiredException}, {@link NodeClosedException}, the state
     * machine's failure, or {@link ProposalTimeoutException} after {@code proposalTimeoutMillis} of
     * retrying (outcome unknown; {@link #propose(long, byte[])} with the same number finds out).
     */
    CompletableFuture<byte[]> propose(byte[] command);

    /**
     * Proposes {@code command} as number {@code sequence} of this session: applied if that number
     * never was, otherwise answered with the first result. For retrying a command whose outcome is
     * unknown, e.g. after the client itself restarted.
     */
    CompletableFuture<byte[]> propose(long sequence, byte[] command);

    /** Closes the session in the group (its results are forgotten). */
    @Override
    void close();
}
