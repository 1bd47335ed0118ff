package io.synod.core.storage;

/**
 * Describes one stored snapshot of a group's state machine.
 *
 * @param groupId          the group
 * @param lastIncludedSlot every slot up to and including this one is reflected in the snapshot
 * @param sizeBytes        length of the snapshot data
 * @param crc32c           CRC32C of the snapshot data, checked when it is read back
 */
public record SnapshotMetadata(long groupId, long lastIncludedSlot, long sizeBytes, int crc32c) {
    public SnapshotMetadata {
        if (lastIncludedSlot < 0 || sizeBytes < 0) {
            throw new IllegalArgumentException("snapshot of group " + groupId + ": lastIncludedSlot " + lastIncludedSlot
                    + " and sizeBytes " + sizeBytes + " must be >= 0");
        }
    }
}
