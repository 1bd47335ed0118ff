package io.synod.core.runtime;

import io.synod.core.api.StateMachine;
import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Applies one group's chosen entries to its {@link StateMachine}, in slot order, on the node's
 * shared apply pool: at most one task per group runs at a time, so a state machine sees one thread
 * at a time, while different groups apply in parallel. Completes the futures of this node's
 * proposals with the results.
 */
final class ApplyStage {
    private static final Logger log = LoggerFactory.getLogger(ApplyStage.class);
    private static final int ENTRIES_PER_TASK = 256;

    private final long groupId;
    private final StateMachine stateMachine;
    private final Map<Long, PendingProposal> pending;
    private final NodeContext node;
    private final ConcurrentLinkedQueue<ChosenEntry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Commands applied so far: the index handed to the state machine (apply thread only). */
    private long commandIndex;
    private volatile long appliedSlot;

    ApplyStage(long groupId, StateMachine stateMachine, Map<Long, PendingProposal> pending, NodeContext node) {
        this.groupId = groupId;
        this.stateMachine = stateMachine;
        this.pending = pending;
        this.node = node;
    }

    /** Queues a chosen entry (called in slot order by the consensus thread). */
    void submit(ChosenEntry entry) {
        node.admission().addApplyBacklog(entry.value().sizeBytes());
        queue.add(entry);
        schedule();
    }

    long appliedSlot() {
        return appliedSlot;
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) {
            node.applyPool().execute(this::drain);
        }
    }

    private void drain() {
        try {
            ChosenEntry entry;
            for (int i = 0; i < ENTRIES_PER_TASK && (entry = queue.poll()) != null; i++) {
                apply(entry);
            }
        } finally {
            scheduled.set(false);
            if (!queue.isEmpty()) {
                schedule(); // yield to other groups, then continue
            }
        }
    }

    private void apply(ChosenEntry entry) {
        if (entry.value() instanceof Value.Batch batch) {
            for (Command command : batch.commands()) {
                applyCommand(command);
            }
        }
        appliedSlot = entry.slot();
        node.admission().removeApplyBacklog(entry.value().sizeBytes());
    }

    private void applyCommand(Command command) {
        long index = ++commandIndex;
        PendingProposal proposal = pending.remove(command.id());
        byte[] result;
        try {
            result = stateMachine.apply(index, command.payload());
        } catch (RuntimeException e) {
            // The contract says a failing command leaves the state unchanged on every replica.
            log.debug("group {}: command {} (index {}) failed in the state machine", groupId, command.id(), index, e);
            if (proposal != null) {
                proposal.fail(e, () -> node.metrics().proposalFailed(groupId, e));
            }
            return;
        }
        if (proposal != null) {
            proposal.succeed(result == null ? new byte[0] : result, () -> {
                long now = node.clock().nanoTime();
                node.metrics().proposalApplied(groupId, command.sizeBytes(), proposal.committedNanos - proposal.startNanos,
                        now - proposal.startNanos);
            });
        }
    }
}
