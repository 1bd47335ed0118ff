package io.synod.core.storage;

/** Reads a committed snapshot in chunks. Not thread-safe. */
public interface SnapshotReader extends AutoCloseable {

    SnapshotMetadata metadata();

    /**
     * Reads up to {@code length} bytes into {@code buffer}; returns how many, or -1 at the end.
     * At the end the data's checksum is verified; a mismatch is a {@link StorageException.Corrupt}.
     */
    int read(byte[] buffer, int offset, int length);

    @Override
    void close();
}
