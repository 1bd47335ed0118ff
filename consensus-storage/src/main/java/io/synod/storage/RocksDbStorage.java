package io.synod.storage;

import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.DurableState;
import io.synod.core.protocol.JournalRecord;
import io.synod.core.storage.SnapshotMetadata;
import io.synod.core.storage.SnapshotReader;
import io.synod.core.storage.SnapshotWriter;
import io.synod.core.storage.Storage;
import io.synod.core.storage.StorageException;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@link Storage} on RocksDB: every group of a node in one database, appends group-committed (one
 * synced write for everything queued), every stored value versioned and checksummed. See
 * {@code docs/storage.md} for the on-disk layout, group commit, checksums and recovery.
 *
 * <p>Errors: opening a directory of another cluster or a newer format fails with
 * {@link StorageException.Incompatible} (nothing modified); a directory in use by another process
 * or instance with {@link StorageException.Locked}; {@link #recover} of damaged state with
 * {@link StorageException.Corrupt} naming the group and slot. When a write fails (disk full, I/O
 * error) the futures of its batch fail with {@link StorageException.WriteFailed}; until a probe
 * write succeeds, appends return futures failed with {@code WriteFailed} and {@link #recover} throws
 * it; the storage resumes by itself once the disk works again.
 *
 * <p>Thread-safe. Futures complete on the storage's writer thread, so actions chained to them
 * should be short or run on another executor. {@link #close()} writes what is queued and waits for
 * it; calls after it throw {@link StorageException.Closed}.
 */
public final class RocksDbStorage implements Storage {
    static {
        RocksDB.loadLibrary();
    }

    private final RocksDbStorageOptions options;
    private final DbHandle handle;
    private final GroupCommitWriter writer;
    private final SnapshotStore snapshots;
    private final Object closeLock = new Object();
    private boolean closed;

    private RocksDbStorage(RocksDbStorageOptions options, DbHandle handle, GroupCommitWriter writer, SnapshotStore snapshots) {
        this.options = options;
        this.handle = handle;
        this.writer = writer;
        this.snapshots = snapshots;
    }

    /**
     * Opens (or creates) the data directory of {@code options}. Checks the directory's cluster id
     * and format before modifying anything, takes RocksDB's lock on it, and deletes the chunks of
     * snapshots that were being written when the process stopped.
     *
     * @throws StorageException.Incompatible another cluster's directory, a newer format, or not a Synod directory
     * @throws StorageException.Locked       the directory is open in another process or instance
     */
    public static RocksDbStorage open(RocksDbStorageOptions options) {
        Objects.requireNonNull(options, "options");
        DbHandle handle = DataDirectory.open(options);
        GroupCommitWriter writer = null;
        try {
            writer = new GroupCommitWriter(handle, options);
            SnapshotStore snapshots = SnapshotStore.open(handle, writer, options.snapshotChunkBytes());
            return new RocksDbStorage(options, handle, writer, snapshots);
        } catch (RuntimeException e) {
            if (writer != null) {
                writer.close();
            }
            handle.close();
            throw e;
        }
    }

    public RocksDbStorageOptions options() {
        return options;
    }

    @Override
    public DurableState recover(long groupId) {
        checkGroupId(groupId);
        handle.checkOpen();
        writer.checkHealthy();
        try {
            return handle.call(db -> JournalReader.recover(db, groupId)).withSnapshotSlot(snapshots.lastIncludedSlot(groupId));
        } catch (RocksDBException e) {
            throw JournalReader.readError(e, "group " + groupId + ": recovery");
        }
    }

    @Override
    public List<ChosenEntry> readChosen(long groupId, long fromSlot, long toSlot, int maxEntries) {
        checkGroupId(groupId);
        handle.checkOpen();
        try {
            return handle.call(db -> JournalReader.readChosen(db, groupId, fromSlot, toSlot, maxEntries));
        } catch (RocksDBException e) {
            throw JournalReader.readError(e, "group " + groupId + ": reading chosen slots from " + fromSlot);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Blocks while {@code maxQueuedBytes} of appends are already waiting for the disk.
     */
    @Override
    public CompletableFuture<Void> append(long groupId, List<JournalRecord> records) {
        checkGroupId(groupId);
        return writer.submit(JournalWrites.append(groupId, records));
    }

    @Override
    public CompletableFuture<Void> truncatePrefix(long groupId, long beforeSlot) {
        checkGroupId(groupId);
        return writer.submit(new JournalWrites.Truncate(groupId, beforeSlot));
    }

    @Override
    public SnapshotWriter beginSnapshot(SnapshotMetadata expected) {
        Objects.requireNonNull(expected, "expected");
        checkGroupId(expected.groupId());
        return snapshots.begin(expected.groupId(), expected.lastIncludedSlot(), expected);
    }

    @Override
    public SnapshotWriter beginSnapshot(long groupId, long lastIncludedSlot) {
        checkGroupId(groupId);
        if (lastIncludedSlot < 0) {
            throw new IllegalArgumentException("snapshot of group " + groupId + ": lastIncludedSlot " + lastIncludedSlot
                    + " must be >= 0");
        }
        return snapshots.begin(groupId, lastIncludedSlot, null);
    }

    @Override
    public Optional<SnapshotReader> openSnapshot(long groupId) {
        checkGroupId(groupId);
        return snapshots.open(groupId);
    }

    @Override
    public Set<Long> groups() {
        handle.checkOpen();
        writer.checkHealthy();
        try {
            return handle.call(JournalReader::groups);
        } catch (RocksDBException e) {
            throw JournalReader.readError(e, "listing groups");
        }
    }

    /** Whether writes are accepted (false while recovering from a write error). */
    public boolean isHealthy() {
        return writer.isHealthy();
    }

    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            writer.close();
        } finally {
            handle.close();
        }
    }

    /**
     * How many batches group commit has written since this storage was opened, synced or not (a
     * batch of chosen values only is written without a sync). For monitoring and benchmarks.
     */
    public long batchesWritten() {
        return writer.batchesWritten();
    }

    /**
     * How many of those batches were synced (one fsync each; zero when
     * {@link RocksDbStorageOptions#syncWrites()} is off). For monitoring and benchmarks (fsyncs per
     * committed command).
     */
    public long batchesSynced() {
        return writer.batchesSynced();
    }

    /** How many writes (appends, truncations, snapshot commits) those batches held since this storage was opened. */
    public long opsWritten() {
        return writer.opsWritten();
    }

    private static void checkGroupId(long groupId) {
        if (groupId < 0) {
            throw new IllegalArgumentException("group id " + groupId + " is negative; group ids are >= 0");
        }
    }
}
