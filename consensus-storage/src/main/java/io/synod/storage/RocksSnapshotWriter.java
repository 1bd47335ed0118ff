package io.synod.storage;

import io.synod.core.storage.SnapshotMetadata;
import io.synod.core.storage.SnapshotWriter;
import io.synod.core.storage.StorageException;

import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Streams one snapshot into chunks of {@code chunkBytes}; holds at most one chunk in memory.
 * Each chunk is stored as a {@link CheckedFrame}, and the whole data's size and CRC32C are checked
 * against the metadata before commit. Not thread-safe: one writer, one thread.
 */
final class RocksSnapshotWriter implements SnapshotWriter {
    private enum State { OPEN, COMMITTED, ABORTED }

    private final SnapshotStore store;
    private final SnapshotMetadata metadata;
    private final long snapshotId;
    private final int chunkBytes;
    private final CRC32C crc = new CRC32C();
    private byte[] buffer;
    private int buffered;
    private long chunksWritten;
    private long bytesWritten;
    private State state = State.OPEN;

    RocksSnapshotWriter(SnapshotStore store, SnapshotMetadata metadata, long snapshotId, int chunkBytes) {
        this.store = store;
        this.metadata = metadata;
        this.snapshotId = snapshotId;
        this.chunkBytes = chunkBytes;
    }

    @Override
    public void write(byte[] chunk, int offset, int length) {
        checkOpen();
        Objects.checkFromIndexSize(offset, length, chunk.length);
        crc.update(chunk, offset, length);
        bytesWritten += length;
        while (length > 0) {
            if (buffer == null) {
                buffer = new byte[chunkBytes];
            }
            int n = Math.min(length, chunkBytes - buffered);
            System.arraycopy(chunk, offset, buffer, buffered, n);
            buffered += n;
            offset += n;
            length -= n;
            if (buffered == chunkBytes) {
                flushChunk();
            }
        }
    }

    @Override
    public void commit() {
        checkOpen();
        if (buffered > 0) {
            flushChunk();
        }
        int actualCrc = (int) crc.getValue();
        if (bytesWritten != metadata.sizeBytes() || actualCrc != metadata.crc32c()) {
            abort();
            throw new StorageException.Corrupt("snapshot of group " + metadata.groupId() + " at slot "
                    + metadata.lastIncludedSlot() + ": wrote " + bytesWritten + " bytes with CRC32C "
                    + Integer.toHexString(actualCrc) + ", expected " + metadata.sizeBytes() + " bytes with "
                    + Integer.toHexString(metadata.crc32c()) + "; the snapshot was discarded", null);
        }
        state = State.COMMITTED;
        buffer = null;
        // If the commit fails its chunks stay: the description may have reached the disk all the
        // same, and the next open deletes the chunks only if no description points at them.
        store.commit(new StoredSnapshot(metadata, snapshotId, chunksWritten));
    }

    @Override
    public void abort() {
        if (state == State.OPEN) {
            state = State.ABORTED;
            buffer = null;
            store.discard(metadata.groupId(), snapshotId);
        }
    }

    @Override
    public void close() {
        abort();
    }

    private void flushChunk() {
        try {
            store.writeChunk(metadata.groupId(), snapshotId, chunksWritten, CheckedFrame.encode(buffer, 0, buffered));
        } catch (RuntimeException e) {
            abort();
            throw e;
        }
        chunksWritten++;
        buffered = 0;
    }

    private void checkOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("snapshot of group " + metadata.groupId() + " at slot "
                    + metadata.lastIncludedSlot() + " was already " + state.name().toLowerCase(java.util.Locale.ROOT));
        }
    }
}
