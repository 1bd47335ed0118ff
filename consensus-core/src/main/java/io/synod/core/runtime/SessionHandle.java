package io.synod.core.runtime;

import io.synod.core.api.ClientSession;
import io.synod.core.api.CommandTooLargeException;
import io.synod.core.api.MonotonicClock;
import io.synod.core.api.NotLeaderException;
import io.synod.core.api.OverloadedException;
import io.synod.core.api.ProposalTimeoutException;
import io.synod.core.api.SessionExpiredException;
import io.synod.core.api.SynodOptions;
import io.synod.core.api.UnavailableException;

import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A client's handle on one exactly-once session of a group. Each command goes through the log
 * wrapped with the session id, its sequence number and the highest sequence number below every
 * command still outstanding here (what the group may forget); the group's {@link SessionTable}
 * applies each (session, sequence) at most once. That makes retrying safe, so {@link #propose}
 * retries one sequence number until it has an outcome: after a refusal, after a lost forward,
 * after the leader died with the command in flight.
 *
 * <p>Thread-safe: sequence numbers and the outstanding set are guarded by {@code this}.
 */
final class SessionHandle implements ClientSession {

    /** What the session needs from its group. */
    interface Group {
        long groupId();

        /** Proposes an envelope; the future fails as {@code ReplicatedGroup.propose} documents. */
        CompletableFuture<byte[]> propose(byte[] envelope, long timeoutMillis);
    }

    private final Group group;
    private final long clientId;
    private final SynodOptions options;
    private final MonotonicClock clock;
    /** Sequence number -> how many proposals of it are outstanding here. */
    private final TreeMap<Long, Integer> outstanding = new TreeMap<>();
    private long nextSequence;
    private volatile boolean closed;

    SessionHandle(Group group, long clientId, long nextSequence, SynodOptions options, MonotonicClock clock) {
        if (clientId <= 0) {
            throw new IllegalArgumentException("client id " + clientId + " is not a session id: session ids are the"
                    + " positive numbers openSession returns");
        }
        if (nextSequence <= 0) {
            throw new IllegalArgumentException("next sequence " + nextSequence + " must be at least 1");
        }
        this.group = group;
        this.clientId = clientId;
        this.nextSequence = nextSequence;
        this.options = options;
        this.clock = clock;
    }

    /**
     * Opens a session through the log. Only refusals (certainly not applied) are retried: a retry
     * after an unknown outcome could open a second session, which would linger until it expired.
     */
    static CompletableFuture<ClientSession> open(Group group, long maxIdleEntries, SynodOptions options,
                                                 MonotonicClock clock) {
        if (maxIdleEntries < 1) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("maxIdleEntries " + maxIdleEntries
                    + " must be at least 1 (it is how many commands of the group may be applied before an idle"
                    + " session expires)"));
        }
        CompletableFuture<byte[]> opened = new CompletableFuture<>();
        long deadline = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.proposalTimeoutMillis());
        new Retry(group, CommandEnvelope.openSession(maxIdleEntries), deadline, false, options, clock, opened).attempt();
        return opened.thenApply(id -> new SessionHandle(group, java.nio.ByteBuffer.wrap(id).getLong(), 1, options, clock));
    }

    @Override
    public long clientId() {
        return clientId;
    }

    @Override
    public synchronized long nextSequence() {
        return nextSequence;
    }

    @Override
    public CompletableFuture<byte[]> propose(byte[] command) {
        long sequence;
        synchronized (this) {
            sequence = nextSequence;
        }
        return propose(sequence, command);
    }

    @Override
    public CompletableFuture<byte[]> propose(long sequence, byte[] command) {
        if (closed) {
            return CompletableFuture.failedFuture(new SessionExpiredException(group.groupId(), clientId));
        }
        if (sequence < 1) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("sequence " + sequence
                    + " must be at least 1"));
        }
        if (command.length > options.maxCommandBytes()) {
            return CompletableFuture.failedFuture(new CommandTooLargeException(command.length, options.maxCommandBytes()));
        }
        long acknowledged;
        synchronized (this) {
            nextSequence = Math.max(nextSequence, sequence + 1);
            outstanding.merge(sequence, 1, Integer::sum);
            acknowledged = acknowledgedThrough();
        }
        byte[] envelope = CommandEnvelope.inSession(clientId, sequence, acknowledged, command);
        long deadline = clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(options.proposalTimeoutMillis());
        CompletableFuture<byte[]> outcome = new CompletableFuture<>();
        new Retry(group, envelope, deadline, true, options, clock, outcome).attempt();
        return outcome.whenComplete((result, error) -> finished(sequence));
    }

    /** Everything below the lowest outstanding sequence number has been answered here. */
    private long acknowledgedThrough() {
        return (outstanding.isEmpty() ? nextSequence : outstanding.firstKey()) - 1;
    }

    private synchronized void finished(long sequence) {
        outstanding.computeIfPresent(sequence, (s, n) -> n == 1 ? null : n - 1);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Best effort: if the close is lost, the session expires after maxIdleEntries commands anyway.
        group.propose(CommandEnvelope.closeSession(clientId), options.proposalTimeoutMillis());
    }

    @Override
    public String toString() {
        return "session " + clientId + " of group " + group.groupId();
    }

    /** One command proposed again and again until it has an outcome or the deadline passes. */
    private static final class Retry {
        private final Group group;
        private final byte[] envelope;
        private final long deadlineNanos;
        private final boolean deduplicated;
        private final SynodOptions options;
        private final MonotonicClock clock;
        private final CompletableFuture<byte[]> outcome;
        private long backoffMillis;
        /** Some attempt may have been applied (timed out after it was sent). */
        private boolean outcomeUnknown;

        Retry(Group group, byte[] envelope, long deadlineNanos, boolean deduplicated, SynodOptions options,
              MonotonicClock clock, CompletableFuture<byte[]> outcome) {
            this.group = group;
            this.envelope = envelope;
            this.deadlineNanos = deadlineNanos;
            this.deduplicated = deduplicated;
            this.options = options;
            this.clock = clock;
            this.outcome = outcome;
            this.backoffMillis = Math.max(1, options.tickMillis());
        }

        void attempt() {
            long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - clock.nanoTime());
            if (remainingMillis <= 0) {
                giveUp(null);
                return;
            }
            // A deduplicated command may be sent again as soon as an attempt has gone quiet for a
            // few election timeouts (its leader probably died holding it); others wait it out.
            long attemptMillis = deduplicated
                    ? Math.min(remainingMillis, Math.max(1_000, 4L * options.electionTimeoutMillis()))
                    : remainingMillis;
            group.propose(envelope, attemptMillis).whenComplete((result, error) -> {
                if (error == null) {
                    outcome.complete(result);
                    return;
                }
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                boolean refused = cause instanceof NotLeaderException || cause instanceof OverloadedException
                        || cause instanceof UnavailableException;
                boolean unknown = cause instanceof ProposalTimeoutException;
                if (!refused && !(unknown && deduplicated)) {
                    outcome.completeExceptionally(cause);
                    return;
                }
                outcomeUnknown |= unknown;
                retryLater(cause);
            });
        }

        private void retryLater(Throwable last) {
            long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - clock.nanoTime());
            if (remainingMillis <= 0) {
                giveUp(last);
                return;
            }
            long delay = Math.min(remainingMillis, backoffMillis + ThreadLocalRandom.current().nextLong(backoffMillis + 1));
            backoffMillis = Math.min(backoffMillis * 2, Math.max(1, options.electionTimeoutMillis()));
            CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS).execute(this::attempt);
        }

        private void giveUp(Throwable last) {
            if (last != null && !outcomeUnknown) {
                outcome.completeExceptionally(last); // every attempt was refused: certainly not applied
            } else {
                outcome.completeExceptionally(new ProposalTimeoutException(group.groupId(),
                        options.proposalTimeoutMillis()));
            }
        }
    }
}
