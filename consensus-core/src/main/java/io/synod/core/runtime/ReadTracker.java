package io.synod.core.runtime;

import io.synod.core.api.ReadConsistency;
import io.synod.core.api.ReadTimeoutException;
import io.synod.core.protocol.LeaseRead;
import io.synod.core.protocol.ReadIndex;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One group's reads on their way to the state machine, on the group's consensus thread: lease
 * reads checked against the {@link LeaseClock}, read-index requests to the replica (asked again
 * when refused or unanswered, since the protocol does not retry them), then handed to the
 * {@link ApplyStage} to run once this node has applied far enough. Every read gives up after
 * {@code readTimeoutMillis}.
 */
final class ReadTracker {

    /** What the reads need from the group's replica; {@code readIndex} steps it. */
    interface Replica {
        /** False while the group has no replica (recovering from a storage failure). */
        boolean available();

        LeaseRead leaseRead();

        void readIndex(long readId);
    }

    private static final class PendingRead {
        final long readId;
        final byte[] query;
        final long minIndex;
        final CompletableFuture<byte[]> future;
        final long deadlineNanos;
        long askedNanos;
        String waitingFor;

        PendingRead(long readId, byte[] query, long minIndex, CompletableFuture<byte[]> future, long deadlineNanos) {
            this.readId = readId;
            this.query = query;
            this.minIndex = minIndex;
            this.future = future;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private final long groupId;
    private final NodeContext node;
    private final ApplyStage apply;
    private final LeaseClock leaseClock;
    private final long timeoutNanos;
    private final long reaskNanos;
    /** Reads waiting for the replica's read index, by read id. */
    private final Map<Long, PendingRead> awaitingIndex = new HashMap<>();
    /** Every read not yet timed out, oldest first (all share one timeout, so this is deadline order). */
    private final ArrayDeque<PendingRead> byDeadline = new ArrayDeque<>();
    private long nextReadId;

    ReadTracker(long groupId, NodeContext node, ApplyStage apply, LeaseClock leaseClock) {
        this.groupId = groupId;
        this.node = node;
        this.apply = apply;
        this.leaseClock = leaseClock;
        this.timeoutNanos = node.options().readTimeoutMillis() * 1_000_000L;
        this.reaskNanos = node.options().retransmitMillis() * 1_000_000L;
    }

    /** A read arrives (consensus thread). */
    void start(byte[] query, ReadConsistency consistency, long minIndex, CompletableFuture<byte[]> future,
               Replica replica) {
        long now = node.clock().nanoTime();
        PendingRead read = new PendingRead(++nextReadId, query, minIndex, future, now + timeoutNanos);
        byDeadline.add(read);
        if (consistency == ReadConsistency.STALE) {
            read.waitingFor = "this node to apply command " + minIndex;
            apply.read(0, minIndex, query, future);
            return;
        }
        if (consistency == ReadConsistency.LEASE && replica.available()) {
            LeaseRead lease = replica.leaseRead();
            if (lease != null && leaseClock.holds(lease, now)) {
                read.waitingFor = "this node to apply slot " + lease.index();
                apply.read(lease.index(), minIndex, query, future);
                return;
            }
        }
        read.waitingFor = "a leader to confirm the read with a quorum";
        awaitingIndex.put(read.readId, read);
        ask(read, now, replica);
    }

    private void ask(PendingRead read, long now, Replica replica) {
        read.askedNanos = now;
        if (replica.available()) {
            replica.readIndex(read.readId);
        }
    }

    /** The replica's read-index outcomes of one step. */
    void onOutcome(ReadIndex outcome) {
        PendingRead read = awaitingIndex.get(outcome.readId());
        if (read == null) {
            return; // answered before (asked twice), or timed out
        }
        if (outcome.confirmed()) {
            awaitingIndex.remove(outcome.readId());
            read.waitingFor = "this node to apply slot " + outcome.index();
            apply.read(outcome.index(), read.minIndex, read.query, read.future);
        }
        // Refused: no leader known, or the leader changed. Asked again on a later tick.
    }

    /** Every tick: times reads out, and asks again for those without an answer. */
    void tick(Replica replica) {
        long now = node.clock().nanoTime();
        while (!byDeadline.isEmpty() && (byDeadline.peek().future.isDone() || byDeadline.peek().deadlineNanos <= now)) {
            PendingRead read = byDeadline.poll();
            awaitingIndex.remove(read.readId);
            read.future.completeExceptionally(new ReadTimeoutException(groupId, timeoutNanos / 1_000_000, read.waitingFor));
        }
        if (awaitingIndex.isEmpty()) {
            return; // the common case, every tick: nothing to copy
        }
        // A copy: asking steps the replica, whose outcomes may arrive (and be removed) at once.
        for (PendingRead read : new ArrayList<>(awaitingIndex.values())) {
            if (now - read.askedNanos >= reaskNanos && awaitingIndex.containsKey(read.readId)) {
                ask(read, now, replica);
            }
        }
    }

    /** Reads still waiting fail with {@code error} (node closing, group halted). */
    void failAll(RuntimeException error) {
        for (PendingRead read : byDeadline) {
            read.future.completeExceptionally(error);
        }
        byDeadline.clear();
        awaitingIndex.clear();
    }
}
