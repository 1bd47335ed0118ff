package io.synod.storage;

import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.util.HashMap;
import java.util.Map;

/**
 * What the writer remembers between batches so that an op can depend on earlier ops without a
 * read that would miss the unwritten part of the current batch: each group's truncation floor
 * and committed snapshot id. Loaded lazily from the database; {@link #clear()}ed after a failed
 * batch, whose ops may not have reached the disk. Owned by the writer thread; not thread-safe.
 */
final class WriterCaches {
    private final Map<Long, Long> floors = new HashMap<>();
    private final Map<Long, Long> snapshotIds = new HashMap<>();

    /** The group's truncation floor (0 if never truncated); an unreadable floor counts as 0. */
    long floor(RocksDB db, long groupId) throws RocksDBException {
        Long cached = floors.get(groupId);
        if (cached != null) {
            return cached;
        }
        byte[] stored = db.get(Keys.group(Keys.FLOOR, groupId));
        long floor = 0;
        if (stored != null) {
            try {
                floor = SlotFloor.decode(stored);
            } catch (CheckedFrame.FrameException e) {
                floor = 0; // recovery reports the damage; a new truncation rewrites it
            }
        }
        floors.put(groupId, floor);
        return floor;
    }

    void floor(long groupId, long floor) {
        floors.put(groupId, floor);
    }

    /** The id of the group's committed snapshot, or -1 if it has none (or its description is unreadable). */
    long snapshotId(RocksDB db, long groupId) throws RocksDBException {
        Long cached = snapshotIds.get(groupId);
        if (cached != null) {
            return cached;
        }
        byte[] stored = db.get(Keys.group(Keys.SNAPSHOT_META, groupId));
        long id = -1;
        if (stored != null) {
            try {
                id = StoredSnapshot.decode(stored).snapshotId();
            } catch (CheckedFrame.FrameException e) {
                id = -1; // cleaned up on the next open
            }
        }
        snapshotIds.put(groupId, id);
        return id;
    }

    void snapshotId(long groupId, long snapshotId) {
        snapshotIds.put(groupId, snapshotId);
    }

    void clear() {
        floors.clear();
        snapshotIds.clear();
    }
}
