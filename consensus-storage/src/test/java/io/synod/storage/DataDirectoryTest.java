package io.synod.storage;

import io.synod.core.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A directory that is not this cluster's, or that a newer format wrote, is refused with a clear
 * error before anything in it changes; its acknowledged data stays intact for its rightful owner.
 */
class DataDirectoryTest {
    @TempDir
    Path root;

    private Path createWithData(String clusterId) throws Exception {
        Path dir = root.resolve("node");
        try (RocksDbStorage storage = RocksDbStorage.open(RocksDbStorageOptions.builder(dir, clusterId).build())) {
            storage.append(1, List.of(Records.promise(1, 2), Records.vote(1, 1))).get(10, TimeUnit.SECONDS);
        }
        return dir;
    }

    private static void assertDataIntact(Path dir, String clusterId) {
        try (RocksDbStorage storage = RocksDbStorage.open(RocksDbStorageOptions.builder(dir, clusterId).build())) {
            assertEquals(Records.valueOf(1, 1), storage.recover(1).accepted().get(1L).value());
        }
    }

    @Test
    void aDirectoryOfAnotherClusterIsRefusedAndNotModified() throws Exception {
        Path dir = createWithData("cluster-a");
        Map<String, String> before = DirectoryFingerprint.of(dir);
        StorageException.Incompatible e = assertThrows(StorageException.Incompatible.class,
                () -> RocksDbStorage.open(RocksDbStorageOptions.builder(dir, "cluster-b").build()));
        assertTrue(e.getMessage().contains("belongs to cluster 'cluster-a', not 'cluster-b'")
                && e.getMessage().contains("nothing was modified"), e.getMessage());
        assertEquals(before, DirectoryFingerprint.of(dir));
        assertDataIntact(dir, "cluster-a");
    }

    @Test
    void aDirectoryOfANewerFormatIsRefusedAndNotModified() throws Exception {
        Path dir = createWithData("cluster-a");
        try (RawRocksDb raw = RawRocksDb.open(dir)) {
            raw.putSynced(Keys.metadata(), new StorageMetadata("cluster-a", StorageMetadata.CURRENT_FORMAT_VERSION + 1).encode());
        }
        Map<String, String> before = DirectoryFingerprint.of(dir);
        StorageException.Incompatible e = assertThrows(StorageException.Incompatible.class,
                () -> RocksDbStorage.open(RocksDbStorageOptions.builder(dir, "cluster-a").build()));
        assertTrue(e.getMessage().contains("format version 2") && e.getMessage().contains("newer"), e.getMessage());
        assertEquals(before, DirectoryFingerprint.of(dir));
    }

    @Test
    void metadataInANewerFrameFormatIsRefused() throws Exception {
        Path dir = createWithData("cluster-a");
        try (RawRocksDb raw = RawRocksDb.open(dir)) {
            byte[] value = raw.get(Keys.metadata());
            value[0] = CheckedFrame.FORMAT_VERSION + 1;
            raw.putSynced(Keys.metadata(), value);
        }
        Map<String, String> before = DirectoryFingerprint.of(dir);
        StorageException.Incompatible e = assertThrows(StorageException.Incompatible.class,
                () -> RocksDbStorage.open(RocksDbStorageOptions.builder(dir, "cluster-a").build()));
        assertTrue(e.getMessage().contains("newer Synod"), e.getMessage());
        assertEquals(before, DirectoryFingerprint.of(dir));
    }

    @Test
    void damagedMetadataIsCorrupt() throws Exception {
        Path dir = createWithData("cluster-a");
        try (RawRocksDb raw = RawRocksDb.open(dir)) {
            byte[] value = raw.get(Keys.metadata());
            value[value.length - 1] ^= 1;
            raw.putSynced(Keys.metadata(), value);
        }
        StorageException.Corrupt e = assertThrows(StorageException.Corrupt.class,
                () -> RocksDbStorage.open(RocksDbStorageOptions.builder(dir, "cluster-a").build()));
        assertTrue(e.getMessage().contains("metadata") && e.getMessage().contains("damaged"), e.getMessage());
    }

    @Test
    void aRocksDbThatSynodDidNotCreateIsRefusedAndNotModified() throws Exception {
        Path dir = root.resolve("foreign");
        try (RawRocksDb raw = RawRocksDb.open(dir)) {
            raw.putSynced("someone".getBytes(), "else".getBytes());
        }
        Map<String, String> before = DirectoryFingerprint.of(dir);
        StorageException.Incompatible e = assertThrows(StorageException.Incompatible.class,
                () -> RocksDbStorage.open(RocksDbStorageOptions.builder(dir, "cluster-a").build()));
        assertTrue(e.getMessage().contains("Synod did not create"), e.getMessage());
        assertEquals(before, DirectoryFingerprint.of(dir));
    }

    @Test
    void aNonEmptyDirectoryWithoutADatabaseAndAFileAreRefusedAndNotModified() throws Exception {
        Path dir = root.resolve("documents");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("thesis.txt"), "do not touch");
        Map<String, String> before = DirectoryFingerprint.of(dir);
        StorageException.Incompatible e = assertThrows(StorageException.Incompatible.class,
                () -> RocksDbStorage.open(RocksDbStorageOptions.builder(dir, "cluster-a").build()));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertEquals(before, DirectoryFingerprint.of(dir));

        Path file = dir.resolve("thesis.txt");
        StorageException.Incompatible notADirectory = assertThrows(StorageException.Incompatible.class,
                () -> RocksDbStorage.open(RocksDbStorageOptions.builder(file, "cluster-a").build()));
        assertTrue(notADirectory.getMessage().contains("is a file"), notADirectory.getMessage());
    }

    @Test
    void aMissingDirectoryIsCreatedAndAnEmptyOneInitialized() throws Exception {
        Path missing = root.resolve("a/b/c");
        RocksDbStorage.open(RocksDbStorageOptions.builder(missing, "cluster-a").build()).close();
        assertDataIntactAfterWrite(missing);
        Path empty = Files.createDirectories(root.resolve("empty"));
        RocksDbStorage.open(RocksDbStorageOptions.builder(empty, "cluster-a").build()).close();
        assertDataIntactAfterWrite(empty);
    }

    private static void assertDataIntactAfterWrite(Path dir) throws Exception {
        try (RocksDbStorage storage = RocksDbStorage.open(RocksDbStorageOptions.builder(dir, "cluster-a").build())) {
            storage.append(1, List.of(Records.vote(1, 1))).get(10, TimeUnit.SECONDS);
        }
        assertDataIntact(dir, "cluster-a");
    }
}
