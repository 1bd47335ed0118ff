package io.synod.storage;

import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * One caller's request to the group-commit writer: it adds its writes to the shared batch, and
 * its result is handed to the caller once the batch is durable.
 *
 * @param <T> what the caller learns when the write is durable
 */
interface WriteOp<T> {

    /** Roughly how many bytes this op adds to a batch, for the batch and queue bounds. */
    long sizeBytes();

    /**
     * Whether this op's batch must be synced before the op completes. False only for writes whose
     * loss a crash may cause without harm (chosen values: see {@code Storage}'s class comment); a
     * batch is synced if any of its ops needs it.
     */
    default boolean needsSync() {
        return true;
    }

    /** Adds this op's writes to {@code context.batch()}; runs on the writer thread. */
    T addTo(Context context) throws RocksDBException;

    /**
     * What an op may use while the writer builds a batch: the batch itself, the database (for
     * reads only) and the writer's caches, which reflect the ops already added to earlier and to
     * this batch.
     */
    record Context(WriteBatch batch, RocksDB db, WriterCaches caches) {
    }
}
