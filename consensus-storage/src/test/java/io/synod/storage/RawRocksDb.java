package io.synod.storage;

import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

import java.nio.file.Path;

/** Direct access to a closed storage's database, for tests that damage or forge stored values. */
final class RawRocksDb implements AutoCloseable {
    private final Options options;
    private final RocksDB db;

    private RawRocksDb(Path directory, boolean readOnly) throws RocksDBException {
        RocksDB.loadLibrary();
        this.options = new Options().setCreateIfMissing(true);
        this.db = readOnly ? RocksDB.openReadOnly(options, directory.toString()) : RocksDB.open(options, directory.toString());
    }

    static RawRocksDb open(Path directory) throws RocksDBException {
        return new RawRocksDb(directory, false);
    }

    /** A read-only view (as of now) that works while a storage has the directory open. */
    static RawRocksDb openReadOnly(Path directory) throws RocksDBException {
        return new RawRocksDb(directory, true);
    }

    byte[] get(byte[] key) throws RocksDBException {
        return db.get(key);
    }

    void putSynced(byte[] key, byte[] value) throws RocksDBException {
        try (WriteOptions sync = new WriteOptions().setSync(true)) {
            db.put(sync, key, value);
        }
    }

    RocksDB db() {
        return db;
    }

    @Override
    public void close() {
        db.close();
        options.close();
    }
}
