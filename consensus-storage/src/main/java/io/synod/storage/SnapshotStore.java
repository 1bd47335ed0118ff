package io.synod.storage;

import io.synod.core.storage.SnapshotMetadata;
import io.synod.core.storage.SnapshotReader;
import io.synod.core.storage.SnapshotWriter;
import io.synod.core.storage.StorageException;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Snapshots in chunks. A snapshot being written gets a fresh snapshot id and its chunks are stored
 * under that id, invisible to readers; committing is one synced write that points the group's
 * snapshot description at the new id (through group commit, so it is ordered with the journal).
 * The previous snapshot's chunks are deleted afterwards — once no reader still reads them. Chunks
 * of a snapshot that was never committed (a crash while writing) are deleted on the next open.
 *
 * <p>Thread-safe.
 */
final class SnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);

    /** One snapshot's chunks. */
    record SnapshotRef(long groupId, long snapshotId) {
    }

    private final DbHandle handle;
    private final GroupCommitWriter writer;
    private final int chunkBytes;
    private final AtomicLong nextSnapshotId;
    private final Object pinLock = new Object();
    private final Map<SnapshotRef, Integer> readers = new HashMap<>();
    private final Set<SnapshotRef> retiredWhileRead = new HashSet<>();

    private SnapshotStore(DbHandle handle, GroupCommitWriter writer, int chunkBytes, long nextSnapshotId) {
        this.handle = handle;
        this.writer = writer;
        this.chunkBytes = chunkBytes;
        this.nextSnapshotId = new AtomicLong(nextSnapshotId);
    }

    /** Deletes chunks no committed snapshot points at, then serves snapshots with ids above every stored one. */
    static SnapshotStore open(DbHandle handle, GroupCommitWriter writer, int chunkBytes) {
        try {
            long next = handle.call(SnapshotStore::deleteUncommittedChunks);
            return new SnapshotStore(handle, writer, chunkBytes, next);
        } catch (RocksDBException e) {
            throw new StorageException("cannot clean up unfinished snapshots in " + handle.directory() + ": "
                    + e.getMessage(), e);
        }
    }

    /** A writer for a snapshot through {@code slot}; checked against {@code expected} if not null. */
    SnapshotWriter begin(long groupId, long slot, SnapshotMetadata expected) {
        handle.checkOpen();
        writer.checkHealthy();
        return new RocksSnapshotWriter(this, groupId, slot, expected, nextSnapshotId.getAndIncrement(), chunkBytes);
    }

    /** The committed snapshot's last included slot, or 0 if the group has none. */
    long lastIncludedSlot(long groupId) {
        byte[] stored = read(db -> db.get(Keys.group(Keys.SNAPSHOT_META, groupId)), "group " + groupId
                + ": reading the snapshot description");
        if (stored == null) {
            return 0;
        }
        try {
            return StoredSnapshot.decode(stored).metadata().lastIncludedSlot();
        } catch (CheckedFrame.FrameException e) {
            throw JournalReader.frameError(e, "group " + groupId + ": the snapshot description");
        }
    }

    Optional<SnapshotReader> open(long groupId) {
        synchronized (pinLock) {
            byte[] stored = read(db -> db.get(Keys.group(Keys.SNAPSHOT_META, groupId)), "group " + groupId
                    + ": reading the snapshot description");
            if (stored == null) {
                return Optional.empty();
            }
            StoredSnapshot snapshot;
            try {
                snapshot = StoredSnapshot.decode(stored);
            } catch (CheckedFrame.FrameException e) {
                throw JournalReader.frameError(e, "group " + groupId + ": the snapshot description");
            }
            readers.merge(new SnapshotRef(groupId, snapshot.snapshotId()), 1, Integer::sum);
            return Optional.of(new RocksSnapshotReader(this, snapshot));
        }
    }

    void writeChunk(long groupId, long snapshotId, long index, byte[] frame) {
        try {
            handle.call(db -> {
                try (WriteOptions noSync = new WriteOptions()) {
                    db.put(noSync, Keys.chunk(groupId, snapshotId, index), frame);
                }
                return null;
            });
        } catch (RocksDBException e) {
            throw writer.reportFailure("writing chunk " + index + " of a snapshot of group " + groupId, e);
        }
    }

    /** Makes {@code snapshot} the group's snapshot with one synced write, then retires the previous one. */
    void commit(StoredSnapshot snapshot) {
        long previous;
        try {
            previous = writer.submit(new CommitOp(snapshot)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StorageException s) {
                throw s;
            }
            throw e;
        }
        if (previous >= 0 && previous != snapshot.snapshotId()) {
            retire(new SnapshotRef(snapshot.metadata().groupId(), previous));
        }
    }

    ByteBuffer readChunk(StoredSnapshot snapshot, long index) {
        long groupId = snapshot.metadata().groupId();
        String where = "group " + groupId + ": chunk " + index + " of the snapshot at slot "
                + snapshot.metadata().lastIncludedSlot();
        byte[] frame = read(db -> db.get(Keys.chunk(groupId, snapshot.snapshotId(), index)), where);
        if (frame == null) {
            throw new StorageException.Corrupt(where + " is missing. Restore the data directory from a backup, or"
                    + " install a snapshot from a peer", null);
        }
        try {
            return CheckedFrame.decode(frame);
        } catch (CheckedFrame.FrameException e) {
            throw JournalReader.frameError(e, where);
        }
    }

    void readerClosed(StoredSnapshot snapshot) {
        SnapshotRef ref = new SnapshotRef(snapshot.metadata().groupId(), snapshot.snapshotId());
        synchronized (pinLock) {
            if (readers.merge(ref, -1, Integer::sum) == 0) {
                readers.remove(ref);
                if (retiredWhileRead.remove(ref)) {
                    deleteChunks(ref);
                }
            }
        }
    }

    /** Deletes the chunks of a snapshot that was never committed; best effort (the next open also does it). */
    void discard(long groupId, long snapshotId) {
        deleteChunks(new SnapshotRef(groupId, snapshotId));
    }

    private <T> T read(DbHandle.DbCall<T> call, String what) {
        try {
            return handle.call(call);
        } catch (RocksDBException e) {
            throw JournalReader.readError(e, what);
        }
    }

    private void retire(SnapshotRef ref) {
        synchronized (pinLock) {
            if (readers.containsKey(ref)) {
                retiredWhileRead.add(ref);
            } else {
                deleteChunks(ref);
            }
        }
    }

    private void deleteChunks(SnapshotRef ref) {
        try {
            handle.call(db -> {
                try (WriteOptions noSync = new WriteOptions()) {
                    db.deleteRange(noSync, Keys.chunk(ref.groupId(), ref.snapshotId(), 0),
                            Keys.afterSnapshot(ref.groupId(), ref.snapshotId()));
                }
                return null;
            });
        } catch (StorageException e) {
            LOG.debug("chunks of {} are left for the next open to delete: {}", ref, e.getMessage());
        } catch (RocksDBException e) {
            writer.reportFailure("deleting the chunks of " + ref, e);
        }
    }

    /** Returns the next free snapshot id. */
    private static long deleteUncommittedChunks(RocksDB db) throws RocksDBException {
        Map<Long, Long> committed = new HashMap<>();
        long maxId = -1;
        try (RocksIterator it = db.newIterator()) {
            for (it.seek(Keys.kindStart(Keys.SNAPSHOT_META)); it.isValid() && it.key()[0] == Keys.SNAPSHOT_META; it.next()) {
                try {
                    StoredSnapshot snapshot = StoredSnapshot.decode(it.value());
                    committed.put(Keys.groupOf(it.key()), snapshot.snapshotId());
                    maxId = Math.max(maxId, snapshot.snapshotId());
                } catch (CheckedFrame.FrameException e) {
                    committed.put(Keys.groupOf(it.key()), null); // unreadable: keep all its chunks, openSnapshot reports it
                }
            }
            it.status();
            try (WriteBatch deletions = new WriteBatch(); WriteOptions noSync = new WriteOptions()) {
                it.seek(Keys.kindStart(Keys.SNAPSHOT_CHUNK));
                while (it.isValid() && Keys.isChunkKey(it.key())) {
                    long groupId = Keys.groupOf(it.key());
                    long snapshotId = Keys.slotOf(it.key());
                    maxId = Math.max(maxId, snapshotId);
                    boolean keep = committed.containsKey(groupId)
                            && (committed.get(groupId) == null || committed.get(groupId) == snapshotId);
                    if (!keep) {
                        LOG.info("deleting chunks of an unfinished snapshot {} of group {}", snapshotId, groupId);
                        deletions.deleteRange(Keys.chunk(groupId, snapshotId, 0), Keys.afterSnapshot(groupId, snapshotId));
                    }
                    it.seek(Keys.afterSnapshot(groupId, snapshotId));
                }
                it.status();
                if (deletions.count() > 0) {
                    db.write(noSync, deletions);
                }
            }
        }
        return maxId + 1;
    }

    /** Points the group's snapshot description at a new snapshot; returns the previous snapshot id, or -1. */
    private static final class CommitOp implements WriteOp<Long> {
        private final StoredSnapshot snapshot;
        private final byte[] encoded;

        CommitOp(StoredSnapshot snapshot) {
            this.snapshot = snapshot;
            this.encoded = snapshot.encode();
        }

        @Override
        public long sizeBytes() {
            return encoded.length + 9L + JournalWrites.RECORD_OVERHEAD_BYTES;
        }

        @Override
        public Long addTo(Context context) throws RocksDBException {
            long groupId = snapshot.metadata().groupId();
            long previous = context.caches().snapshotId(context.db(), groupId);
            context.batch().put(Keys.group(Keys.SNAPSHOT_META, groupId), encoded);
            context.caches().snapshotId(groupId, snapshot.snapshotId());
            return previous;
        }
    }
}
