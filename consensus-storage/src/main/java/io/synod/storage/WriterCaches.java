package io.synod.storage;

import io.synod.core.codec.CodecException;
import io.synod.core.codec.JournalCodec;
import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.JournalRecord;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

import java.util.HashMap;
import java.util.Map;

/**
 * What the writer remembers between batches so that an op can depend on earlier ops without a
 * read that would miss the unwritten part of the current batch: each group's truncation floor
 * committed snapshot id and promise. Loaded lazily from the database; {@link #clear()}ed after a failed
 * batch, whose ops may not have reached the disk. Owned by the writer thread; not thread-safe.
 */
final class WriterCaches {
    private final Map<Long, Long> floors = new HashMap<>();
    private final Map<Long, Long> snapshotIds = new HashMap<>();
    private final Map<Long, Ballot> promises = new HashMap<>();

    /** The group's stored promise ({@link Ballot#ZERO} if none, or if it is unreadable). */
    Ballot promise(RocksDB db, long groupId) throws RocksDBException {
        Ballot cached = promises.get(groupId);
        if (cached != null) {
            return cached;
        }
        byte[] stored = db.get(Keys.group(Keys.PROMISE, groupId));
        Ballot promise = Ballot.ZERO;
        if (stored != null) {
            try {
                if (JournalCodec.decode(stored) instanceof JournalRecord.PromisedBallot p) {
                    promise = p.ballot();
                }
            } catch (CodecException e) {
                promise = Ballot.ZERO; // recovery reports the damage; a new promise replaces it
            }
        }
        promises.put(groupId, promise);
        return promise;
    }

    void promise(long groupId, Ballot promise) {
        promises.put(groupId, promise);
    }

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
        promises.clear();
    }
}
