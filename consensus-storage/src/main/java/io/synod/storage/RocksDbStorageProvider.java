package io.synod.storage;

import io.synod.core.storage.Storage;
import io.synod.core.storage.StorageProvider;

import java.nio.file.Path;

/**
 * The default storage of {@code SynodNode.builder().dataDirectory(...)}: RocksDB with default
 * {@link RocksDbStorageOptions}. For other settings, open a {@link RocksDbStorage} and pass it to the
 * builder's {@code storage(...)}. Registered in META-INF/services.
 */
public final class RocksDbStorageProvider implements StorageProvider {
    @Override
    public Storage open(Path dataDirectory, String clusterId) {
        return RocksDbStorage.open(RocksDbStorageOptions.builder(dataDirectory, clusterId).build());
    }
}
