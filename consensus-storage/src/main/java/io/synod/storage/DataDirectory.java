package io.synod.storage;

import io.synod.core.storage.StorageException;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Opens a data directory safely: a directory of another cluster, of a newer format, or that is
 * not Synod's is refused before anything in it is modified; a new directory is initialized with
 * this cluster's metadata.
 */
final class DataDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);
    private DataDirectory() {
    }

    static DbHandle open(RocksDbStorageOptions options) {
        Path dir = options.dataDirectory().toAbsolutePath();
        boolean fresh = prepare(dir);
        if (!fresh) {
            // Read-only first: it takes no lock and writes nothing, so refusing leaves the directory untouched.
            inspectReadOnly(dir, options.clusterId());
        }
        DbHandle handle = DbHandle.open(dir, fresh);
        try {
            initializeOrCheck(handle, options.clusterId());
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
        return handle;
    }

    /** True if the directory is new (missing or empty); refuses a non-empty directory that is not a database. */
    private static boolean prepare(Path dir) {
        try {
            if (!Files.exists(dir)) {
                Files.createDirectories(dir);
                syncDirectory(dir.getParent()); // so that the new directory's entry survives a power loss
                return true;
            }
            if (!Files.isDirectory(dir)) {
                throw new StorageException.Incompatible("data directory " + dir + " is a file, not a directory: pass a"
                        + " directory (it is created if missing)");
            }
            if (Files.exists(dir.resolve("CURRENT"))) {
                return false;
            }
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isEmpty()) {
                    return true;
                }
            }
            throw new StorageException.Incompatible("data directory " + dir + " is not empty and holds no RocksDB"
                    + " database; nothing was modified. Pass an empty or missing directory, or this node's own data directory");
        } catch (IOException e) {
            throw new StorageException("cannot prepare data directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Makes a directory's entries durable; where the platform cannot open a directory, skipped. */
    private static void syncDirectory(Path dir) throws IOException {
        if (dir == null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (UnsupportedOperationException | AccessDeniedException e) {
            LOG.debug("cannot sync directory {}: {}", dir, e.toString());
        }
    }

    private static void inspectReadOnly(Path dir, String clusterId) {
        RocksDbLogBridge logger = new RocksDbLogBridge();
        try (logger; Options options = RocksDbSettings.options(false, logger);
             RocksDB db = RocksDB.openReadOnly(options, dir.toString())) {
            byte[] stored = db.get(Keys.metadata());
            if (stored == null) {
                if (hasAnyKey(db)) {
                    throw new StorageException.Incompatible("data directory " + dir + " holds a RocksDB database that"
                            + " Synod did not create (it has no Synod metadata); nothing was modified. Pass this node's"
                            + " own data directory or an empty one");
                }
                return; // created by an open that crashed before writing its metadata: initialized below
            }
            check(dir, decode(dir, stored), clusterId);
        } catch (RocksDBException e) {
            throw DbHandle.translateOpenFailure(dir, e);
        }
    }

    private static void initializeOrCheck(DbHandle handle, String clusterId) {
        try {
            handle.call(db -> {
                byte[] stored = db.get(Keys.metadata());
                if (stored != null) {
                    check(handle.directory(), decode(handle.directory(), stored), clusterId);
                    return null;
                }
                try (WriteOptions sync = new WriteOptions().setSync(true)) {
                    db.put(sync, Keys.metadata(), new StorageMetadata(clusterId, StorageMetadata.CURRENT_FORMAT_VERSION).encode());
                }
                return null;
            });
        } catch (RocksDBException e) {
            throw new StorageException("cannot write metadata to data directory " + handle.directory() + ": "
                    + e.getMessage(), e);
        }
    }

    private static StorageMetadata decode(Path dir, byte[] stored) {
        try {
            return StorageMetadata.decode(stored);
        } catch (CheckedFrame.FrameException e) {
            if (e.problem() == CheckedFrame.Problem.NEWER_FORMAT) {
                throw new StorageException.Incompatible("data directory " + dir + " was written by a newer Synod ("
                        + e.getMessage() + "); nothing was modified. Run a Synod release that reads it");
            }
            throw new StorageException.Corrupt("the metadata of data directory " + dir + " is damaged: " + e.getMessage()
                    + ". Restore the directory from a backup, or move it aside and re-add this node as a new replica", null);
        }
    }

    private static void check(Path dir, StorageMetadata stored, String clusterId) {
        if (stored.formatVersion() > StorageMetadata.CURRENT_FORMAT_VERSION) {
            throw new StorageException.Incompatible("data directory " + dir + " has on-disk format version "
                    + stored.formatVersion() + ", newer than the " + StorageMetadata.CURRENT_FORMAT_VERSION
                    + " this Synod reads; nothing was modified. Run a Synod release that reads format " + stored.formatVersion());
        }
        if (!stored.clusterId().equals(clusterId)) {
            throw new StorageException.Incompatible("data directory " + dir + " belongs to cluster '" + stored.clusterId()
                    + "', not '" + clusterId + "'; nothing was modified. Pass this node's own data directory, or the"
                    + " cluster id it was created with");
        }
    }

    private static boolean hasAnyKey(RocksDB db) {
        try (RocksIterator it = db.newIterator()) {
            it.seekToFirst();
            return it.isValid();
        }
    }
}
