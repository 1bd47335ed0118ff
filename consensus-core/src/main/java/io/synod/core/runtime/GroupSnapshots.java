package io.synod.core.runtime;

import io.synod.core.api.StateMachine;
import io.synod.core.protocol.DurableState;
import io.synod.core.protocol.MembershipHistory;
import io.synod.core.storage.SnapshotMetadata;
import io.synod.core.storage.SnapshotWriter;
import io.synod.core.storage.StorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongConsumer;

/**
 * The snapshots of one group: restored into the state machine on start, written in the background
 * when the apply stage captures one (then the log behind it is compacted), and installed from
 * another replica through the {@link SnapshotInstaller}. A stored snapshot is never replaced by an
 * older one.
 */
final class GroupSnapshots implements ApplyStage.SnapshotSink {
    private static final Logger log = LoggerFactory.getLogger(GroupSnapshots.class);

    private final long groupId;
    private final NodeContext node;
    private final ConsensusLoop loop;
    private ApplyStage apply;
    /** Consensus thread: a snapshot of ours covering slots up to the argument is durable. */
    private final LongConsumer taken;

    GroupSnapshots(long groupId, NodeContext node, ConsensusLoop loop, LongConsumer taken) {
        this.groupId = groupId;
        this.node = node;
        this.loop = loop;
        this.taken = taken;
    }

    void attach(ApplyStage apply) {
        this.apply = apply;
    }

    /**
     * Restores the stored snapshot, if any, before the group starts, and gives {@code state} the
     * memberships stored with it; returns its last included slot (or 0).
     */
    long restoreOnStart(DurableState state) {
        long slot = state.snapshotSlot();
        if (slot == 0) {
            return 0;
        }
        try (InputStream snapshot = open()) {
            state.withSnapshotMemberships(readMemberships());
            apply.restoreNow(slot, snapshot);
        } catch (IOException | IllegalArgumentException e) {
            throw new StorageException.Corrupt("group " + groupId + ": its snapshot at slot " + slot
                    + " cannot be restored: " + e.getMessage(), e);
        }
        log.info("group {}: restored the snapshot at slot {}", groupId, slot);
        return slot;
    }

    /** Queues the restore of another replica's snapshot, just stored, in log order; returns the memberships stored with it. */
    MembershipHistory installStored(long slot) {
        MembershipHistory memberships;
        try {
            memberships = readMemberships();
        } catch (IOException e) {
            throw new StorageException.Corrupt("group " + groupId + ": the installed snapshot at slot " + slot
                    + " has an unreadable header: " + e.getMessage(), e);
        }
        apply.install(slot, open());
        truncateBelow(slot + 1);
        return memberships;
    }

    /** Gives {@code state} the memberships stored with its snapshot, if it has one. */
    void attachMemberships(DurableState state) {
        if (state.snapshotSlot() == 0) {
            return;
        }
        try {
            state.withSnapshotMemberships(readMemberships());
        } catch (IOException | IllegalArgumentException e) {
            throw new StorageException.Corrupt("group " + groupId + ": the snapshot at slot " + state.snapshotSlot()
                    + " has an unreadable header: " + e.getMessage(), e);
        }
    }

    /** The memberships in the stored snapshot's header. */
    private MembershipHistory readMemberships() throws IOException {
        try (java.io.DataInputStream in = new java.io.DataInputStream(open())) {
            return SnapshotStreams.readCounters(in).memberships();
        }
    }

    /** Writes a captured snapshot on the snapshot thread; once durable, {@code taken} compacts the log. */
    @Override
    public void write(long slot, SnapshotStreams.Counters counters, byte[] sessions, StateMachine.Snapshot state) {
        node.snapshotPool().execute(() -> {
            long started = node.clock().nanoTime();
            try (SnapshotWriter writer = node.storage().beginSnapshot(groupId, slot)) {
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(SnapshotStreams.output(writer), 1 << 16));
                SnapshotStreams.writeHeader(out, counters, sessions);
                state.writeTo(out);
                out.flush();
                if (storedSlot() >= slot) {
                    writer.abort(); // a newer snapshot was installed meanwhile: never move backwards
                    return;
                }
                SnapshotMetadata written = writer.commit();
                log.debug("group {}: snapshot at slot {} written ({} bytes)", groupId, slot, written.sizeBytes());
                node.metrics().snapshotTaken(groupId, slot, written.sizeBytes(), node.clock().nanoTime() - started);
                loop.control(() -> {
                    taken.accept(slot);
                    truncateBelow(slot + 1);
                });
            } catch (IOException | RuntimeException e) {
                log.warn("group {}: writing the snapshot at slot {} failed; the log stays uncompacted until the next one",
                        groupId, slot, e);
            } finally {
                apply.snapshotFinished();
            }
        });
    }

    private InputStream open() {
        return SnapshotStreams.input(node.storage().openSnapshot(groupId).orElseThrow(
                () -> new StorageException.Corrupt("group " + groupId + ": the stored snapshot cannot be opened", null)));
    }

    /** The last included slot of the stored snapshot, or 0 (snapshot thread). */
    private long storedSlot() {
        return node.storage().openSnapshot(groupId).map(reader -> {
            try (reader) {
                return reader.metadata().lastIncludedSlot();
            }
        }).orElse(0L);
    }

    private void truncateBelow(long slot) {
        node.storage().truncatePrefix(groupId, slot).whenComplete((ok, error) -> {
            if (error != null) {
                log.warn("group {}: truncating the log below slot {} failed: {}", groupId, slot, error.toString());
            }
        });
    }
}
