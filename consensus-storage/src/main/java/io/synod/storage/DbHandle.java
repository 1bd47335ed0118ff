package io.synod.storage;

import io.synod.core.storage.StorageException;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The open RocksDB database of one data directory, which recovery from a write error may replace
 * ({@link #reopen()}). Every use of the database goes through {@link #call}, under a read lock;
 * reopening and closing take the write lock, so no call ever sees a closed database.
 *
 * <p>Thread-safe.
 */
final class DbHandle implements AutoCloseable {
    /** One use of the database. */
    @FunctionalInterface
    interface DbCall<T> {
        T call(RocksDB db) throws RocksDBException;
    }

    private final Path directory;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private RocksDB db;
    private Options options;
    private RocksDbLogBridge logger;
    private boolean closed;

    private DbHandle(Path directory) {
        this.directory = directory;
    }

    /** Opens {@code directory} for reading and writing; translates a held lock into {@link StorageException.Locked}. */
    static DbHandle open(Path directory, boolean createIfMissing) {
        DbHandle handle = new DbHandle(directory);
        try {
            handle.openDatabase(createIfMissing);
        } catch (RocksDBException e) {
            throw translateOpenFailure(directory, e);
        }
        return handle;
    }

    <T> T call(DbCall<T> call) throws RocksDBException {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new StorageException.Closed("RocksDB storage in " + directory + " is closed");
            }
            if (db == null) {
                throw new StorageException.WriteFailed("RocksDB storage in " + directory + " is not open: reopening it"
                        + " after a write error failed; it retries by itself", null);
            }
            return call.call(db);
        } finally {
            lock.readLock().unlock();
        }
    }

    void checkOpen() {
        lock.readLock().lock();
        try {
            if (closed) {
                throw new StorageException.Closed("RocksDB storage in " + directory + " is closed");
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Closes the database and opens it again, so that everything readable afterwards was replayed
     * from disk and flushed to a synced file, and new writes go to a fresh log. Leaves the handle
     * without a database if the open fails.
     */
    void reopen() throws RocksDBException {
        lock.writeLock().lock();
        try {
            if (closed) {
                throw new StorageException.Closed("RocksDB storage in " + directory + " is closed");
            }
            closeDatabase();
            openDatabase(false);
        } finally {
            lock.writeLock().unlock();
        }
    }

    Path directory() {
        return directory;
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                closeDatabase();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void openDatabase(boolean createIfMissing) throws RocksDBException {
        RocksDbLogBridge newLogger = new RocksDbLogBridge();
        Options newOptions = RocksDbSettings.options(createIfMissing, newLogger);
        try {
            db = RocksDB.open(newOptions, directory.toString());
            options = newOptions;
            logger = newLogger;
        } catch (RocksDBException | RuntimeException e) {
            newOptions.close();
            newLogger.close();
            throw e;
        }
    }

    private void closeDatabase() {
        if (db != null) {
            db.close();
            db = null;
        }
        if (options != null) {
            options.close();
            options = null;
        }
        if (logger != null) {
            logger.close();
            logger = null;
        }
    }

    /** RocksDB reports a held LOCK file as an IOError whose message mentions the lock. */
    static StorageException translateOpenFailure(Path directory, RocksDBException e) {
        Status status = e.getStatus();
        String message = String.valueOf(e.getMessage());
        if (status != null && status.getCode() == Status.Code.IOError && message.toLowerCase(Locale.ROOT).contains("lock")) {
            return new StorageException.Locked("data directory " + directory + " is in use by another process or another"
                    + " open RocksDbStorage in this process (RocksDB: " + message + "); stop or close the other user first,"
                    + " or give this node its own directory", e);
        }
        if (status != null && status.getCode() == Status.Code.Corruption) {
            return new StorageException.Corrupt("RocksDB cannot open data directory " + directory + ": " + message
                    + ". The node must not act as an acceptor on it: restore the directory from a backup, or move it"
                    + " aside and re-add this node as a new replica so it catches up from its peers", e);
        }
        return new StorageException("cannot open RocksDB in data directory " + directory + ": " + message, e);
    }
}
