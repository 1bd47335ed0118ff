package io.synod.storage;

import io.synod.core.storage.Storage;
import io.synod.core.storage.StorageContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The storage contract against RocksDB, with small chunks so that snapshots span many of them. */
class RocksDbStorageContractTest extends StorageContract {
    @TempDir
    Path directory;

    @Override
    protected Storage openOnTestLocation() {
        return RocksDbStorage.open(RocksDbStorageOptions.builder(directory.resolve("data"), "contract-cluster")
                .snapshotChunkBytes(16 * 1024)
                .build());
    }
}
