package io.synod.core.runtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A proposal of this node waiting for its outcome. It completes exactly once, whichever happens
 * first — applied here, refused, timed out, node closed — and gives its admission back then.
 */
final class PendingProposal {
    final long commandId;
    final byte[] command;
    final long startNanos;
    final long deadlineNanos;
    final long timeoutMillis;
    final CompletableFuture<byte[]> future = new CompletableFuture<>();
    /** When this node learned the command was chosen (0 until then). */
    volatile long committedNanos;
    /** Times sent to a leader so far (consensus thread only). */
    int forwards;
    /**
     * The attempt of the forward whose outcome is awaited, or 0 when none is: only a refusal of
     * that attempt means anything (consensus thread only).
     */
    long forwardAttempt;
    /** The slot a leader gave it, once this node has seen the Accept (0: none yet; consensus thread only). */
    long slot;
    /** The node that last refused it (0: none), and when (consensus thread only). */
    int refusedBy;
    long refusedAtNanos;
    private final AtomicBoolean done = new AtomicBoolean();
    private final Admission admission;

    PendingProposal(long commandId, byte[] command, long startNanos, long deadlineNanos, long timeoutMillis,
                    Admission admission) {
        this.timeoutMillis = timeoutMillis;
        this.commandId = commandId;
        this.command = command;
        this.startNanos = startNanos;
        this.deadlineNanos = deadlineNanos;
        this.admission = admission;
    }

    boolean isDone() {
        return done.get();
    }

    /** Completes with the state machine's result; false if already completed. */
    boolean succeed(byte[] result) {
        return succeed(result, () -> { });
    }

    /**
     * Completes with {@code result}, running {@code beforeResult} first (e.g. recording metrics, so
     * that whoever sees the result also sees them); false, and nothing run, if already completed.
     */
    boolean succeed(byte[] result, Runnable beforeResult) {
        if (!finish()) {
            return false;
        }
        beforeResult.run();
        future.complete(result);
        return true;
    }

    /** Fails with {@code error}; false if already completed. */
    boolean fail(Throwable error) {
        return fail(error, () -> { });
    }

    /** Fails with {@code error}, running {@code beforeResult} first; false, and nothing run, if already completed. */
    boolean fail(Throwable error, Runnable beforeResult) {
        if (!finish()) {
            return false;
        }
        beforeResult.run();
        future.completeExceptionally(error);
        return true;
    }

    private boolean finish() {
        if (!done.compareAndSet(false, true)) {
            return false;
        }
        admission.release(command.length);
        return true;
    }
}
