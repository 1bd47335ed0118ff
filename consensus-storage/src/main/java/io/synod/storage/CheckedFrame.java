package io.synod.storage;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The frame this module wraps around the values it stores besides journal records (metadata,
 * truncation floors, snapshot descriptions and chunks): one format-version byte, a CRC32C of the
 * payload (4 bytes, big-endian), the payload. The same shape as core's {@code JournalCodec}
 * frames, so every stored value carries a version and a checksum. Stateless.
 */
final class CheckedFrame {
    static final byte FORMAT_VERSION = 1;
    static final int HEADER_BYTES = 5;

    private CheckedFrame() {
    }

    /** Why a frame was refused. */
    enum Problem {
        /** Shorter than its header, or a checksum that does not match: damaged. */
        DAMAGED,
        /** Written by a newer format than this code reads. */
        NEWER_FORMAT
    }

    /** A frame that cannot be trusted; {@link #problem()} says why. */
    static final class FrameException extends Exception {
        private final Problem problem;

        FrameException(Problem problem, String message) {
            super(message);
            this.problem = problem;
        }

        Problem problem() {
            return problem;
        }
    }

    static byte[] encode(byte[] payload) {
        return encode(payload, 0, payload.length);
    }

    static byte[] encode(byte[] payload, int offset, int length) {
        ByteBuffer frame = ByteBuffer.allocate(HEADER_BYTES + length);
        frame.put(FORMAT_VERSION).putInt(crc32c(payload, offset, length)).put(payload, offset, length);
        return frame.array();
    }

    /** The payload of {@code frame}, after checking its version and checksum. */
    static ByteBuffer decode(byte[] frame) throws FrameException {
        if (frame.length < HEADER_BYTES) {
            throw new FrameException(Problem.DAMAGED, "a frame of " + frame.length + " bytes is shorter than its "
                    + HEADER_BYTES + "-byte header (torn or truncated write?)");
        }
        if (frame[0] > FORMAT_VERSION || frame[0] < 1) {
            throw new FrameException(Problem.NEWER_FORMAT, "frame format version " + frame[0] + " is not one this Synod"
                    + " reads (1 to " + FORMAT_VERSION + "): written by a newer release?");
        }
        int stored = ByteBuffer.wrap(frame, 1, 4).getInt();
        int actual = crc32c(frame, HEADER_BYTES, frame.length - HEADER_BYTES);
        if (stored != actual) {
            throw new FrameException(Problem.DAMAGED, String.format("frame checksum %08x does not match its content"
                    + " (%08x): the value is damaged", stored, actual));
        }
        return ByteBuffer.wrap(frame, HEADER_BYTES, frame.length - HEADER_BYTES).slice();
    }

    static int crc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
