package io.synod.storage;

import io.synod.core.storage.SnapshotMetadata;
import io.synod.core.storage.SnapshotReader;
import io.synod.core.storage.StorageException;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Reads a committed snapshot chunk by chunk (one chunk in memory at a time). Each chunk's own
 * checksum is verified as it is loaded; at the end the data's size and CRC32C are compared with
 * the metadata. Its chunks are kept until it is closed, even if a newer snapshot is committed
 * meanwhile. Not thread-safe.
 */
final class RocksSnapshotReader implements SnapshotReader {
    private final SnapshotStore store;
    private final StoredSnapshot snapshot;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer current;
    private long nextChunk;
    private long bytesRead;
    private boolean verified;
    private boolean closed;

    RocksSnapshotReader(SnapshotStore store, StoredSnapshot snapshot) {
        this.store = store;
        this.snapshot = snapshot;
    }

    @Override
    public SnapshotMetadata metadata() {
        return snapshot.metadata();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (closed) {
            throw new IllegalStateException("snapshot reader of group " + snapshot.metadata().groupId() + " is closed");
        }
        Objects.checkFromIndexSize(offset, length, buffer.length);
        while (current == null || !current.hasRemaining()) {
            if (nextChunk == snapshot.chunkCount()) {
                verifyAtEnd();
                return -1;
            }
            current = store.readChunk(snapshot, nextChunk++);
        }
        if (length == 0) {
            return 0;
        }
        int n = Math.min(length, current.remaining());
        current.get(buffer, offset, n);
        crc.update(buffer, offset, n);
        bytesRead += n;
        return n;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            current = null;
            store.readerClosed(snapshot);
        }
    }

    private void verifyAtEnd() {
        if (verified) {
            return;
        }
        SnapshotMetadata metadata = snapshot.metadata();
        int actualCrc = (int) crc.getValue();
        if (bytesRead != metadata.sizeBytes() || actualCrc != metadata.crc32c()) {
            throw new StorageException.Corrupt("snapshot of group " + metadata.groupId() + " at slot "
                    + metadata.lastIncludedSlot() + " is damaged: read " + bytesRead + " bytes with CRC32C "
                    + Integer.toHexString(actualCrc) + ", expected " + metadata.sizeBytes() + " bytes with "
                    + Integer.toHexString(metadata.crc32c()) + ". Install a snapshot from a peer instead", null);
        }
        verified = true;
    }
}
