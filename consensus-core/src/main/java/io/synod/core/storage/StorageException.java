package io.synod.core.storage;

/**
 * Storage could not do what was asked. Subclasses say why; the message always names the group,
 * slot or file involved and what to do about it.
 */
public class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Stored data failed its checksum or does not decode: the replica must not act on it. */
    public static final class Corrupt extends StorageException {
        public Corrupt(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The data directory belongs to another cluster, or was written by a newer format; nothing was modified. */
    public static final class Incompatible extends StorageException {
        public Incompatible(String message) {
            super(message);
        }
    }

    /** Another process (or another open instance) holds the data directory. */
    public static final class Locked extends StorageException {
        public Locked(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A write or sync failed (disk full, I/O error); none of the records of that call count as durable. */
    public static final class WriteFailed extends StorageException {
        public WriteFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The storage was closed; no further calls are possible. */
    public static final class Closed extends StorageException {
        public Closed(String message) {
            super(message);
        }
    }
}
