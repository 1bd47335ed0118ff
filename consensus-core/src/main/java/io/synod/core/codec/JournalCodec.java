package io.synod.core.codec;

import io.synod.core.codec.proto.JournalRecordPb;
import io.synod.core.protocol.AcceptedEntry;
import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.JournalRecord;

import com.google.protobuf.InvalidProtocolBufferException;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Journal records to and from their stored form: a frame of one format-version byte, a CRC32C of
 * the payload (4 bytes, big-endian) and the protobuf {@link JournalRecordPb} payload. A frame
 * with another version or a checksum that does not match is refused with a typed exception, so
 * storage never hands the protocol a record it cannot trust. Stateless and thread-safe.
 */
public final class JournalCodec {
    /** The format this code writes, and the newest it reads. */
    public static final byte FORMAT_VERSION = 1;
    static final int HEADER_BYTES = 5;

    private JournalCodec() {
    }

    /** A stored frame is from a newer Synod than this one. */
    public static final class UnsupportedFormatException extends CodecException {
        public UnsupportedFormatException(String message) {
            super(message);
        }
    }

    /** A stored frame was damaged (bit rot, torn write): its checksum does not match. */
    public static final class ChecksumMismatchException extends CodecException {
        public ChecksumMismatchException(String message) {
            super(message);
        }
    }

    public static byte[] encode(JournalRecord record) {
        byte[] payload = toProto(record).toByteArray();
        ByteBuffer frame = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        frame.put(FORMAT_VERSION).putInt(crc32c(payload, 0, payload.length)).put(payload);
        return frame.array();
    }

    public static JournalRecord decode(byte[] frame) throws CodecException {
        if (frame.length < HEADER_BYTES) {
            throw new ChecksumMismatchException("journal frame of " + frame.length + " bytes is shorter than its "
                    + HEADER_BYTES + "-byte header (torn write?)");
        }
        byte version = frame[0];
        if (version > FORMAT_VERSION || version < 1) {
            throw new UnsupportedFormatException("journal frame has format version " + version + "; this Synod reads"
                    + " versions 1 to " + FORMAT_VERSION + " (data written by a newer release?)");
        }
        int stored = ByteBuffer.wrap(frame, 1, 4).getInt();
        int actual = crc32c(frame, HEADER_BYTES, frame.length - HEADER_BYTES);
        if (stored != actual) {
            throw new ChecksumMismatchException(String.format("journal frame checksum %08x does not match its"
                    + " content (%08x): the record is damaged", stored, actual));
        }
        try {
            return fromProto(JournalRecordPb.parseFrom(ByteBuffer.wrap(frame, HEADER_BYTES, frame.length - HEADER_BYTES)));
        } catch (InvalidProtocolBufferException e) {
            throw new CodecException("journal record with a valid checksum does not parse: " + e.getMessage(), e);
        }
    }

    static JournalRecordPb toProto(JournalRecord record) {
        JournalRecordPb.Builder b = JournalRecordPb.newBuilder().setGroupId(record.groupId());
        if (record instanceof JournalRecord.PromisedBallot p) {
            b.setPromised(ProtoValues.ballot(p.ballot()));
        } else if (record instanceof JournalRecord.AcceptedValue a) {
            b.setAccepted(ProtoValues.accepted(new AcceptedEntry(a.slot(), a.ballot(), a.value())));
        } else if (record instanceof JournalRecord.ChosenValue c) {
            b.setChosen(ProtoValues.chosen(new ChosenEntry(c.slot(), c.value())));
        } else {
            throw new IllegalArgumentException("no journal encoding for " + record.getClass().getName());
        }
        return b.build();
    }

    static JournalRecord fromProto(JournalRecordPb pb) throws CodecException {
        long group = ProtoValues.groupId(pb.getGroupId());
        switch (pb.getKindCase()) {
            case PROMISED:
                return new JournalRecord.PromisedBallot(group, ProtoValues.ballot(pb.getPromised(), "promise record"));
            case ACCEPTED: {
                AcceptedEntry entry = ProtoValues.accepted(pb.getAccepted(), "vote record");
                return new JournalRecord.AcceptedValue(group, entry.slot(), entry.ballot(), entry.value());
            }
            case CHOSEN: {
                ChosenEntry entry = ProtoValues.chosen(pb.getChosen(), "chosen record");
                return new JournalRecord.ChosenValue(group, entry.slot(), entry.value());
            }
            default:
                throw new CodecException("journal record of group " + group + " has a kind this version does not know");
        }
    }

    static int crc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        return (int) crc.getValue();
    }
}
