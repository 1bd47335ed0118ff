package io.synod.core.storage;

import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.DurableState;
import io.synod.core.protocol.JournalRecord;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The durable state of many consensus groups: each group's acceptor journal (promise and votes),
 * the values it learned were chosen, and its latest snapshot. One instance serves every group of a
 * node; implementations share one sync among the writes of many groups (group commit).
 *
 * <p><b>Durability contract.</b> A future returned by {@link #append} completes normally only
 * after its records are durable — they will be returned by {@link #recover} after any crash —
 * and, for the same group, no earlier than the futures of earlier appends. If a write or sync
 * fails, the future fails with {@link StorageException.WriteFailed} and none of its records count
 * as durable: the caller must treat them as lost (as if the process had crashed before the sync)
 * and must not report them to anyone. An implementation may reject new appends while it is
 * failing and accept them again once the fault clears.
 *
 * <p><b>Chosen values need no sync of their own.</b> An append whose records all say they need
 * none ({@link JournalRecord#needsSync()}: only {@link JournalRecord.ChosenValue}) may complete once it is written (visible to {@link #recover}
 * and {@link #readChosen} in this process, and durable across a crash of the process but not
 * necessarily of the machine), before any sync: a chosen value is a fact a quorum's synced votes
 * already guarantee, and a replica that loses the record relearns it from its peers. Such records
 * become durable no later than the next append that is synced. Durability stays ordered: a record
 * that survives a crash implies that every record appended before it survives too. Everything else
 * (promises and votes, alone or together with chosen values) completes only once synced.
 *
 * <p>Thread-safe. {@link #close()} completes or fails every pending future; afterwards every call
 * fails with {@link StorageException.Closed}.
 */
public interface Storage extends AutoCloseable {

    /**
     * Everything durable for {@code groupId}, in a form the protocol recovers from, with
     * {@link DurableState#snapshotSlot()} set to the committed snapshot's last included slot. A group
     * that was never written recovers empty. Votes and chosen values below the last truncation are
     * gone; the snapshot covers them.
     *
     * @throws StorageException.Corrupt when a stored record fails its checksum; the message names
     *                                  the group and slot, and the replica must not start on it
     */
    DurableState recover(long groupId);

    /** Appends {@code records} of one group, in order; see the class comment for when the future completes. */
    CompletableFuture<Void> append(long groupId, List<JournalRecord> records);

    /**
     * The chosen values ({@link JournalRecord.ChosenValue} records) of the group's slots in
     * {@code [fromSlot, toSlot)} that were appended (their futures completed) and not truncated, at most {@code maxEntries} of
     * them, in slot order, possibly with gaps (a slot whose record is missing is left out). For
     * serving catch-up requests on slots the replica no longer keeps in memory; called off the
     * group's thread, concurrently with appends.
     *
     * @throws StorageException.Corrupt when a record in the range fails its checksum
     */
    List<ChosenEntry> readChosen(long groupId, long fromSlot, long toSlot, int maxEntries);

    /**
     * Deletes the group's votes and chosen values for slots below {@code beforeSlot} (after a
     * snapshot covers them). Completes when the deletion is durable; recovery never returns a
     * partially truncated prefix.
     */
    CompletableFuture<Void> truncatePrefix(long groupId, long beforeSlot);

    /**
     * Starts writing a snapshot whose size and CRC32C are known in advance (one received from another
     * replica); {@link SnapshotWriter#commit()} refuses it if the bytes do not match.
     */
    SnapshotWriter beginSnapshot(SnapshotMetadata expected);

    /**
     * Starts writing a snapshot of the group's state through {@code lastIncludedSlot} whose size and
     * checksum are whatever is written (this replica's own snapshot).
     */
    SnapshotWriter beginSnapshot(long groupId, long lastIncludedSlot);

    /** The group's latest committed snapshot, if any. */
    Optional<SnapshotReader> openSnapshot(long groupId);

    /** Groups that have any durable state. */
    Set<Long> groups();

    @Override
    void close();
}
