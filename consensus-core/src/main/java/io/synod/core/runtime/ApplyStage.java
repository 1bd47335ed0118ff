package io.synod.core.runtime;

import io.synod.core.api.SessionExpiredException;
import io.synod.core.api.StateMachine;
import io.synod.core.api.SynodException;
import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.MembershipHistory;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Applies one group's chosen entries to its {@link StateMachine}, in slot order, on the node's
 * shared apply pool: at most one task per group runs at a time, so a state machine sees one thread
 * at a time, while different groups apply in parallel. Keeps the group's {@link SessionTable}
 * (applying a command of a session at most once), completes the futures of this node's proposals,
 * captures snapshots at the configured interval and restores installed ones, all in log order.
 */
final class ApplyStage {
    private static final Logger log = LoggerFactory.getLogger(ApplyStage.class);
    private static final int TASKS_PER_RUN = 256;

    /** Receives captured snapshots to write (on another thread) and to compact the log behind. */
    interface SnapshotSink {
        void write(long slot, SnapshotStreams.Counters counters, byte[] sessions, StateMachine.Snapshot state);
    }

    /** A chosen entry to apply, a snapshot to restore in its place, or a read to answer in between. */
    private sealed interface Task permits Entry, Restore, Read {
    }

    /** A read that may run once slots up to {@code minSlot} and commands up to {@code minIndex} are applied. */
    private record Read(long minSlot, long minIndex, byte[] query, CompletableFuture<byte[]> future) implements Task {
    }

    private record Entry(ChosenEntry entry) implements Task {
    }

    private record Restore(long slot, InputStream snapshot) implements Task {
    }

    private final long groupId;
    private final StateMachine stateMachine;
    private final Map<Long, PendingProposal> pending;
    private final NodeContext node;
    private final SnapshotSink snapshots;
    private final ConcurrentLinkedQueue<Task> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean snapshotInProgress = new AtomicBoolean();
    private final SessionTable sessions = new SessionTable();
    /** Application commands applied: the index handed to the state machine (apply thread only). */
    private long commandIndex;
    /** Every command applied, session bookkeeping included: session ids and expiry count in it. */
    private long position;
    /** The group's memberships, folded through {@code appliedSlot}: a snapshot stores them. */
    private MembershipHistory memberships;
    private long slotsSinceSnapshot;
    private long bytesSinceSnapshot;
    private boolean snapshotsSupported = true;
    private volatile long appliedSlot;
    private volatile long appliedIndex;
    /** Reads waiting for applies (apply thread only), by the slot or command index they wait for. */
    private final TreeMap<Long, List<Read>> readsBySlot = new TreeMap<>();
    private final TreeMap<Long, List<Read>> readsByIndex = new TreeMap<>();
    private int parkedSincePrune;

    ApplyStage(long groupId, StateMachine stateMachine, Map<Long, PendingProposal> pending, NodeContext node,
               SnapshotSink snapshots, MembershipHistory initialMemberships) {
        this.groupId = groupId;
        this.memberships = initialMemberships;
        this.stateMachine = stateMachine;
        this.pending = pending;
        this.node = node;
        this.snapshots = snapshots;
    }

    /** Queues a chosen entry (called in slot order by the consensus thread). */
    void submit(ChosenEntry entry) {
        node.admission().addApplyBacklog(entry.value().sizeBytes());
        queue.add(new Entry(entry));
        schedule();
    }

    /** Queues the restore of an installed snapshot covering slots up to {@code slot}, in log order. */
    void install(long slot, InputStream snapshot) {
        queue.add(new Restore(slot, snapshot));
        schedule();
    }

    /** Restores a snapshot before anything is applied (node start); on the caller's thread. */
    void restoreNow(long slot, InputStream snapshot) throws IOException {
        restore(slot, snapshot);
    }

    /**
     * Queues a read: {@link StateMachine#query} runs on the apply thread once slots up to
     * {@code minSlot} and commands up to {@code minIndex} are applied, and completes {@code future}
     * (unless it completed already, e.g. timed out).
     */
    void read(long minSlot, long minIndex, byte[] query, CompletableFuture<byte[]> future) {
        queue.add(new Read(minSlot, minIndex, query, future));
        schedule();
    }

    long appliedSlot() {
        return appliedSlot;
    }

    /** Commands applied to the state machine so far: the index of the last one. */
    long appliedIndex() {
        return appliedIndex;
    }

    /** A snapshot was written (or failed); another may be taken. */
    void snapshotFinished() {
        snapshotInProgress.set(false);
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            node.applyPool().execute(this::drain);
        }
    }

    private void drain() {
        try {
            Task task;
            for (int i = 0; i < TASKS_PER_RUN && (task = queue.poll()) != null; i++) {
                if (task instanceof Entry e) {
                    apply(e.entry());
                    releaseReads();
                } else if (task instanceof Read r) {
                    serveOrPark(r);
                } else {
                    Restore r = (Restore) task;
                    try (InputStream in = r.snapshot()) {
                        restore(r.slot(), in);
                        releaseReads();
                    } catch (IOException | RuntimeException e) {
                        log.error("group {}: restoring the installed snapshot at slot {} failed; this replica's state"
                                + " machine is now unusable — restart the node", groupId, r.slot(), e);
                    }
                }
            }
        } finally {
            scheduled.set(false);
            if (!queue.isEmpty()) {
                schedule(); // yield to other groups, then continue
            }
        }
    }

    private void restore(long slot, InputStream snapshot) throws IOException {
        DataInputStream in = new DataInputStream(snapshot);
        SnapshotStreams.Counters counters = SnapshotStreams.readHeader(in, sessions);
        commandIndex = counters.commandIndex();
        appliedIndex = commandIndex;
        position = counters.position();
        memberships = counters.memberships();
        stateMachine.restore(SnapshotStreams.unclosable(in));
        appliedSlot = slot;
        slotsSinceSnapshot = 0;
        bytesSinceSnapshot = 0;
    }

    private void apply(ChosenEntry entry) {
        if (entry.slot() <= appliedSlot) {
            node.admission().removeApplyBacklog(entry.value().sizeBytes());
            return; // covered by a snapshot restored after it was queued
        }
        if (entry.value() instanceof Value.Batch batch) {
            for (Command command : batch.commands()) {
                applyCommand(command);
            }
        }
        memberships.fold(entry.slot(), entry.value());
        appliedSlot = entry.slot();
        node.admission().removeApplyBacklog(entry.value().sizeBytes());
        slotsSinceSnapshot++;
        bytesSinceSnapshot += entry.value().sizeBytes();
        maybeSnapshot(entry.slot());
    }

    private void applyCommand(Command command) {
        CommandEnvelope envelope = CommandEnvelope.decode(command.payload());
        position++;
        sessions.expire(position);
        PendingProposal proposal = pending.remove(command.id());
        switch (envelope.kind()) {
            case PLAIN -> complete(proposal, applyToStateMachine(envelope.command()), command.sizeBytes());
            case OPEN_SESSION -> {
                sessions.open(position, envelope.maxIdleEntries());
                complete(proposal, new SessionTable.Outcome(ByteBuffer.allocate(8).putLong(position).array(), null),
                        command.sizeBytes());
            }
            case CLOSE_SESSION -> {
                sessions.close(envelope.clientId());
                complete(proposal, new SessionTable.Outcome(new byte[0], null), command.sizeBytes());
            }
            case IN_SESSION -> {
                if (!sessions.exists(envelope.clientId())) {
                    failExpired(proposal, envelope.clientId());
                    return;
                }
                SessionTable.Outcome outcome = sessions.previous(envelope.clientId(), envelope.sequence(),
                        envelope.acknowledgedThrough(), position);
                if (outcome == null) {
                    outcome = applyToStateMachine(envelope.command());
                    sessions.record(envelope.clientId(), envelope.sequence(), outcome);
                }
                complete(proposal, outcome, command.sizeBytes());
            }
        }
    }

    private void serveOrPark(Read read) {
        if (read.future().isDone()) {
            return; // timed out or the node closed while it waited
        }
        if (appliedSlot < read.minSlot()) {
            park(readsBySlot, read.minSlot(), read);
        } else if (commandIndex < read.minIndex()) {
            park(readsByIndex, read.minIndex(), read);
        } else {
            try {
                byte[] answer = stateMachine.query(read.query());
                read.future().complete(answer == null ? new byte[0] : answer);
            } catch (RuntimeException e) {
                read.future().completeExceptionally(new SynodException("group " + groupId
                        + ": the state machine's query failed: " + e, e));
            }
        }
    }

    private void park(TreeMap<Long, List<Read>> waiting, long key, Read read) {
        waiting.computeIfAbsent(key, k -> new ArrayList<>()).add(read);
        if (++parkedSincePrune >= 1024) {
            // Reads that wait for an index this node may never reach time out; forget them.
            parkedSincePrune = 0;
            for (TreeMap<Long, List<Read>> map : List.of(readsBySlot, readsByIndex)) {
                map.values().forEach(list -> list.removeIf(r -> r.future().isDone()));
                map.values().removeIf(List::isEmpty);
            }
        }
    }

    private void releaseReads() {
        while (!readsBySlot.isEmpty() && readsBySlot.firstKey() <= appliedSlot) {
            readsBySlot.pollFirstEntry().getValue().forEach(this::serveOrPark);
        }
        while (!readsByIndex.isEmpty() && readsByIndex.firstKey() <= commandIndex) {
            readsByIndex.pollFirstEntry().getValue().forEach(this::serveOrPark);
        }
    }

    /** The node closed (the apply pool is stopped): reads still waiting for applies fail. */
    void failReads(RuntimeException error) {
        for (Task task : queue) {
            if (task instanceof Read r) {
                r.future().completeExceptionally(error);
            }
        }
        for (TreeMap<Long, List<Read>> map : List.of(readsBySlot, readsByIndex)) {
            map.values().forEach(list -> list.forEach(r -> r.future().completeExceptionally(error)));
        }
    }

    private SessionTable.Outcome applyToStateMachine(byte[] command) {
        long index = ++commandIndex;
        try {
            byte[] result = stateMachine.apply(index, command);
            return new SessionTable.Outcome(result == null ? new byte[0] : result, null);
        } catch (RuntimeException e) {
            // The contract says a failing command leaves the state unchanged on every replica.
            log.debug("group {}: command at index {} failed in the state machine", groupId, index, e);
            return SessionTable.Outcome.failed("the state machine failed the command: " + e);
        } finally {
            appliedIndex = index;
        }
    }

    private void complete(PendingProposal proposal, SessionTable.Outcome outcome, int bytes) {
        if (proposal == null) {
            return;
        }
        if (outcome.failure() != null) {
            SynodException error = new SynodException("group " + groupId + ": " + outcome.failure());
            proposal.fail(error, () -> node.metrics().proposalFailed(groupId, error));
            return;
        }
        proposal.succeed(outcome.result(), () -> {
            long now = node.clock().nanoTime();
            node.metrics().proposalApplied(groupId, bytes, proposal.committedNanos - proposal.startNanos,
                    now - proposal.startNanos);
        });
    }

    private void failExpired(PendingProposal proposal, long clientId) {
        if (proposal != null) {
            SessionExpiredException error = new SessionExpiredException(groupId, clientId);
            proposal.fail(error, () -> node.metrics().proposalFailed(groupId, error));
        }
    }

    /** Captures a snapshot at {@code slot} when enough was applied since the last one. */
    private void maybeSnapshot(long slot) {
        if (!snapshotsSupported || snapshotInProgress.get()
                || (slotsSinceSnapshot < node.options().snapshotEveryEntries()
                    && bytesSinceSnapshot < node.options().snapshotEveryBytes())) {
            return;
        }
        StateMachine.Snapshot state = stateMachine.snapshot();
        if (state == null) {
            snapshotsSupported = false;
            log.info("group {}: the state machine takes no snapshots, so the log is never compacted", groupId);
            return;
        }
        java.io.ByteArrayOutputStream table = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(table)) {
            sessions.writeTo(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        snapshotInProgress.set(true);
        slotsSinceSnapshot = 0;
        bytesSinceSnapshot = 0;
        snapshots.write(slot, new SnapshotStreams.Counters(commandIndex, position, memberships.copy()), table.toByteArray(), state);
    }
}
