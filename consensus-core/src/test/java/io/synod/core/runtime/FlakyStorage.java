package io.synod.core.runtime;

import io.synod.core.protocol.DurableState;
import io.synod.core.protocol.JournalRecord;
import io.synod.core.storage.SnapshotMetadata;
import io.synod.core.storage.SnapshotReader;
import io.synod.core.storage.SnapshotWriter;
import io.synod.core.storage.Storage;
import io.synod.core.storage.StorageException;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/** Storage whose writes fail while {@link #failing} is set, as on a full or broken disk. */
final class FlakyStorage implements Storage {
    private final Storage delegate;
    volatile boolean failing;
    final AtomicLong failedAppends = new AtomicLong();
    /** Chosen values returned by {@link #readChosen}: slots served from the journal rather than memory. */
    final AtomicLong chosenRead = new AtomicLong();

    FlakyStorage(Storage delegate) {
        this.delegate = delegate;
    }

    @Override
    public DurableState recover(long groupId) {
        if (failing) {
            throw new StorageException.WriteFailed("disk unavailable (test)", null);
        }
        return delegate.recover(groupId);
    }

    @Override
    public CompletableFuture<Void> append(long groupId, List<JournalRecord> records) {
        if (failing) {
            failedAppends.incrementAndGet();
            return CompletableFuture.failedFuture(new StorageException.WriteFailed("no space left on device (test)", null));
        }
        return delegate.append(groupId, records);
    }

    @Override
    public List<io.synod.core.protocol.ChosenEntry> readChosen(long groupId, long fromSlot, long toSlot, int maxEntries) {
        List<io.synod.core.protocol.ChosenEntry> read = delegate.readChosen(groupId, fromSlot, toSlot, maxEntries);
        chosenRead.addAndGet(read.size());
        return read;
    }

    @Override
    public CompletableFuture<Void> truncatePrefix(long groupId, long beforeSlot) {
        return delegate.truncatePrefix(groupId, beforeSlot);
    }

    @Override
    public SnapshotWriter beginSnapshot(SnapshotMetadata metadata) {
        return delegate.beginSnapshot(metadata);
    }

    @Override
    public SnapshotWriter beginSnapshot(long groupId, long lastIncludedSlot) {
        return delegate.beginSnapshot(groupId, lastIncludedSlot);
    }

    @Override
    public Optional<SnapshotReader> openSnapshot(long groupId) {
        return delegate.openSnapshot(groupId);
    }

    @Override
    public Set<Long> groups() {
        return delegate.groups();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
