package io.synod.storage;

import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The one call through which group commit writes (and syncs) a batch. A narrow seam so that tests
 * can make writes fail like a full or broken disk; production always uses {@link #ROCKSDB}.
 */
@FunctionalInterface
interface BatchWriter {
    BatchWriter ROCKSDB = RocksDB::write;

    void write(RocksDB db, WriteOptions options, WriteBatch batch) throws RocksDBException;
}
