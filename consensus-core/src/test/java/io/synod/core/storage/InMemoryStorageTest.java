package io.synod.core.storage;

/** The storage contract against the in-memory implementation. */
class InMemoryStorageTest extends StorageContract {
    private final InMemoryStorage.Disk disk = new InMemoryStorage.Disk();

    @Override
    protected Storage openOnTestLocation() {
        return new InMemoryStorage(disk);
    }
}
