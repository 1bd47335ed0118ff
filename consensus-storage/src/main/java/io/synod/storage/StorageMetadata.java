package io.synod.storage;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What a data directory says about itself, stored under {@link Keys#metadata()} on first open and
 * checked on every open: which cluster it belongs to and which on-disk format wrote it.
 *
 * @param clusterId     the cluster that created the directory
 * @param formatVersion the key layout and value formats of the directory
 */
record StorageMetadata(String clusterId, int formatVersion) {
    /** The on-disk format this code writes, and the newest it reads. */
    static final int CURRENT_FORMAT_VERSION = 1;
    private static final int MAGIC = 0x53594e44; // "SYND"

    byte[] encode() {
        byte[] id = clusterId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.allocate(4 + 4 + 4 + id.length);
        payload.putInt(MAGIC).putInt(formatVersion).putInt(id.length).put(id);
        return CheckedFrame.encode(payload.array());
    }

    static StorageMetadata decode(byte[] frame) throws CheckedFrame.FrameException {
        ByteBuffer payload = CheckedFrame.decode(frame);
        try {
            if (payload.getInt() != MAGIC) {
                throw new CheckedFrame.FrameException(CheckedFrame.Problem.DAMAGED, "metadata does not start with Synod's marker");
            }
            int formatVersion = payload.getInt();
            byte[] id = new byte[payload.getInt()];
            payload.get(id);
            return new StorageMetadata(new String(id, StandardCharsets.UTF_8), formatVersion);
        } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
            throw new CheckedFrame.FrameException(CheckedFrame.Problem.DAMAGED, "metadata is shorter than its fields say");
        }
    }
}
