package io.synod.core.storage;

/**
 * Writes one snapshot in chunks. Nothing written is visible until {@link #commit()}, which makes it
 * the group's snapshot atomically (replacing the previous one); a crash or {@link #abort()} before
 * that leaves the previous snapshot in place. Not thread-safe: one writer, one thread.
 */
public interface SnapshotWriter extends AutoCloseable {

    /** Appends the next {@code length} bytes of the snapshot. */
    void write(byte[] chunk, int offset, int length);

    /**
     * Makes the snapshot durable and current. Fails with {@link StorageException.Corrupt} if the
     * bytes written do not match the size and checksum the snapshot was begun with.
     */
    void commit();

    /** Discards what was written. */
    void abort();

    /** Aborts unless committed. */
    @Override
    void close();
}
