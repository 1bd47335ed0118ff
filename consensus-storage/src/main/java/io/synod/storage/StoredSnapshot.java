package io.synod.storage;

import io.synod.core.storage.SnapshotMetadata;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * A committed snapshot as stored under {@code [SNAPSHOT_META][group]}: the caller's metadata plus
 * where its data lives (the snapshot id its chunks are keyed by, and how many chunks there are).
 */
record StoredSnapshot(SnapshotMetadata metadata, long snapshotId, long chunkCount) {

    byte[] encode() {
        ByteBuffer payload = ByteBuffer.allocate(8 * 5 + 4);
        payload.putLong(metadata.groupId()).putLong(metadata.lastIncludedSlot()).putLong(metadata.sizeBytes())
                .putInt(metadata.crc32c()).putLong(snapshotId).putLong(chunkCount);
        return CheckedFrame.encode(payload.array());
    }

    static StoredSnapshot decode(byte[] frame) throws CheckedFrame.FrameException {
        ByteBuffer payload = CheckedFrame.decode(frame);
        try {
            SnapshotMetadata metadata = new SnapshotMetadata(payload.getLong(), payload.getLong(), payload.getLong(),
                    payload.getInt());
            return new StoredSnapshot(metadata, payload.getLong(), payload.getLong());
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new CheckedFrame.FrameException(CheckedFrame.Problem.DAMAGED, "snapshot description does not decode: " + e);
        }
    }
}
