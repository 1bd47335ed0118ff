package io.synod.core.storage;

import java.nio.file.Path;

/**
 * Opens the default {@link Storage} for {@code SynodNode.builder().dataDirectory(...)}. Found with
 * {@link java.util.ServiceLoader}; the consensus-storage module provides the RocksDB one, so adding
 * it to the classpath is enough.
 */
public interface StorageProvider {
    Storage open(Path dataDirectory, String clusterId);
}
