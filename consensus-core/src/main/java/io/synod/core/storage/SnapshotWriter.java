package io.synod.core.storage;

/**
 * Writes one snapshot in chunks. Nothing written is visible until {@link #commit()}, which makes it
 * the group's snapshot atomically (replacing the previous one); a crash or {@link #abort()} before
 * that leaves the previous snapshot in place. Not thread-safe: one writer, one thread.
 */
public interface SnapshotWriter extends AutoCloseable {

    /** Appends the next {@code length} bytes of the snapshot. */
    void write(byte[] chunk, int offset, int length);

    /** Bytes written so far. */
    long bytesWritten();

    /** CRC32C of the bytes written so far. */
    int crc32c();

    /**
     * Makes the snapshot durable and current, and returns its metadata (size and CRC32C of what was
     * written). A snapshot begun with expected metadata fails with {@link StorageException.Corrupt},
     * and is discarded, if the bytes written do not match it.
     */
    SnapshotMetadata commit();

    /** Discards what was written. */
    void abort();

    /** Aborts unless committed. */
    @Override
    void close();
}
