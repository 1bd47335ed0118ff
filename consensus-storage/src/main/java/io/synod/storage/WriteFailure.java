package io.synod.storage;

import io.synod.core.storage.StorageException;

import java.time.Duration;
import java.time.Instant;

/**
 * Why the storage is refusing writes: the error that started the failing state, when, and the
 * latest error of a recovery attempt.
 */
record WriteFailure(String directory, Throwable cause, Instant since, Duration probeInterval, Throwable latest) {

    WriteFailure(String directory, Throwable cause, Instant since, Duration probeInterval) {
        this(directory, cause, since, probeInterval, cause);
    }

    WriteFailure withLatest(Throwable error) {
        return new WriteFailure(directory, cause, since, probeInterval, error);
    }

    /** The error given to callers while failing; it says what happened and that the storage retries by itself. */
    StorageException.WriteFailed refusal() {
        return new StorageException.WriteFailed("storage in " + directory + " refuses writes and reads since " + since
                + ": a write failed (" + cause + "); latest recovery attempt: " + latest + ". It retries every "
                + probeInterval.toMillis() + " ms and accepts writes again by itself once the disk works (free space,"
                + " fix the I/O error); records of failed writes are not durable", latest);
    }
}
