package io.synod.storage;

import java.nio.ByteBuffer;

/** Stored form of a group's truncation floor: a {@link CheckedFrame} holding the slot. Stateless. */
final class SlotFloor {
    private SlotFloor() {
    }

    static byte[] encode(long beforeSlot) {
        return CheckedFrame.encode(ByteBuffer.allocate(8).putLong(beforeSlot).array());
    }

    static long decode(byte[] frame) throws CheckedFrame.FrameException {
        ByteBuffer payload = CheckedFrame.decode(frame);
        if (payload.remaining() < 8) {
            throw new CheckedFrame.FrameException(CheckedFrame.Problem.DAMAGED, "truncation floor of "
                    + payload.remaining() + " bytes, expected 8");
        }
        return payload.getLong();
    }
}
