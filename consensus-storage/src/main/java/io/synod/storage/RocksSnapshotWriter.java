package io.synod.storage;

import io.synod.core.storage.SnapshotMetadata;
import io.synod.core.storage.SnapshotWriter;
import io.synod.core.storage.StorageException;

import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Streams one snapshot into chunks of {@code chunkBytes}; holds at most one chunk in memory.
 * Each chunk is stored as a {@link CheckedFrame}; the whole data's size and CRC32C are computed as it
 * is written and, for a snapshot begun with expected metadata, checked against it before commit.
 * Not thread-safe: one writer, one thread.
 */
final class RocksSnapshotWriter implements SnapshotWriter {
    private enum State { OPEN, COMMITTED, ABORTED }

    private final SnapshotStore store;
    private final long groupId;
    private final long slot;
    /** What the data must match (a snapshot received from another replica), or null. */
    private final SnapshotMetadata expected;
    private final long snapshotId;
    private final int chunkBytes;
    private final CRC32C crc = new CRC32C();
    private byte[] buffer;
    private int buffered;
    private long chunksWritten;
    private long bytesWritten;
    private State state = State.OPEN;

    RocksSnapshotWriter(SnapshotStore store, long groupId, long slot, SnapshotMetadata expected, long snapshotId,
                        int chunkBytes) {
        this.store = store;
        this.groupId = groupId;
        this.slot = slot;
        this.expected = expected;
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
    public long bytesWritten() {
        return bytesWritten;
    }

    @Override
    public int crc32c() {
        return (int) crc.getValue();
    }

    @Override
    public SnapshotMetadata commit() {
        checkOpen();
        if (buffered > 0) {
            flushChunk();
        }
        SnapshotMetadata actual = new SnapshotMetadata(groupId, slot, bytesWritten, crc32c());
        if (expected != null && (bytesWritten != expected.sizeBytes() || actual.crc32c() != expected.crc32c())) {
            abort();
            throw new StorageException.Corrupt("snapshot of group " + groupId + " at slot " + slot + ": wrote "
                    + bytesWritten + " bytes with CRC32C " + Integer.toHexString(actual.crc32c()) + ", expected "
                    + expected.sizeBytes() + " bytes with " + Integer.toHexString(expected.crc32c())
                    + "; the snapshot was discarded", null);
        }
        state = State.COMMITTED;
        buffer = null;
        // If the commit fails its chunks stay: the description may have reached the disk all the
        // same, and the next open deletes the chunks only if no description points at them.
        store.commit(new StoredSnapshot(actual, snapshotId, chunksWritten));
        return actual;
    }

    @Override
    public void abort() {
        if (state == State.OPEN) {
            state = State.ABORTED;
            buffer = null;
            store.discard(groupId, snapshotId);
        }
    }

    @Override
    public void close() {
        abort();
    }

    private void flushChunk() {
        try {
            store.writeChunk(groupId, snapshotId, chunksWritten, CheckedFrame.encode(buffer, 0, buffered));
        } catch (RuntimeException e) {
            abort();
            throw e;
        }
        chunksWritten++;
        buffered = 0;
    }

    private void checkOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("snapshot of group " + groupId + " at slot "
                    + slot + " was already " + state.name().toLowerCase(java.util.Locale.ROOT));
        }
    }
}
