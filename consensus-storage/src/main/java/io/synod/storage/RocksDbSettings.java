package io.synod.storage;

import org.rocksdb.Options;
import org.rocksdb.WALRecoveryMode;

/**
 * The RocksDB options every open uses — the storage, its read-only inspection, and the raw
 * baseline of the benchmark, so that comparisons are like for like.
 */
final class RocksDbSettings {
    private RocksDbSettings() {
    }

    /**
     * RocksDB options for this module. The caller closes them after the database.
     *
     * <ul>
     *   <li>WAL recovery {@code TolerateCorruptedTailRecords}: a record torn at the very end of the
     *       log (a crash during a write that was never acknowledged) is dropped, but damage in the
     *       middle of the log makes open fail instead of silently dropping every acknowledged
     *       record after it, which {@code PointInTimeRecovery} would do.</li>
     *   <li>Recovered log data is flushed to a synced table file during open (the default, made
     *       explicit): after an open, everything readable is on disk, which the fault recovery
     *       relies on.</li>
     *   <li>No log file recycling: recycled logs make torn tails look like old data.</li>
     * </ul>
     */
    static Options options(boolean createIfMissing, RocksDbLogBridge logger) {
        return new Options()
                .setCreateIfMissing(createIfMissing)
                .setWalRecoveryMode(WALRecoveryMode.TolerateCorruptedTailRecords)
                .setAvoidFlushDuringRecovery(false)
                .setRecycleLogFileNum(0)
                .setParanoidChecks(true)
                .setLogger(logger);
    }
}
