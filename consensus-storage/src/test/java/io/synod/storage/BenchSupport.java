package io.synod.storage;

import org.rocksdb.Options;

/**
 * Test-only access for the benchmarks in {@code io.synod.storage.bench} to package-private parts:
 * the RocksDB options the storage uses (so the raw baseline uses the same ones) and the
 * group-commit counters.
 */
public final class BenchSupport {
    private BenchSupport() {
    }

    /** The storage's RocksDB options, creating the database if missing; close after the database. */
    public static Options rocksDbOptions() {
        return RocksDbSettings.options(true, new RocksDbLogBridge());
    }

    public static long batchesWritten(RocksDbStorage storage) {
        return storage.batchesWritten();
    }

    public static long opsWritten(RocksDbStorage storage) {
        return storage.opsWritten();
    }
}
