package io.synod.core.codec;

import io.synod.core.codec.proto.JournalRecordPb;
import io.synod.core.protocol.AcceptedEntry;
import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.JournalRecord;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;

import java.io.IOException;
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

    // JournalRecordPb, AcceptedEntryPb and ChosenEntryPb field numbers (synod.proto).
    private static final int RECORD_GROUP = 1;
    private static final int RECORD_ACCEPTED = 3;
    private static final int RECORD_CHOSEN = 4;
    private static final int ENTRY_SLOT = 1;
    private static final int ACCEPTED_BALLOT = 2;
    private static final int ACCEPTED_VALUE = 3;
    private static final int CHOSEN_VALUE = 2;

    /**
     * The stored frame of {@code record}. Votes and chosen values — a journal write per slot — are
     * written straight in protobuf's wire format into the frame (no intermediate protobuf objects,
     * one copy of each payload); the bytes are exactly the generated code's, which
     * {@code JournalCodecProperties} holds it to. Promises go through the generated code.
     */
    public static byte[] encode(JournalRecord record) {
        try {
            if (record instanceof JournalRecord.AcceptedValue a) {
                int value = WireCodec.valueSize(a.value());
                Frame frame = startFrame(a.groupId(), RECORD_ACCEPTED, WireCodec.uint64Size(ENTRY_SLOT, a.slot())
                        + WireCodec.ballotFieldSize(ACCEPTED_BALLOT, a.ballot())
                        + WireCodec.lengthDelimitedSize(ACCEPTED_VALUE, value));
                WireCodec.writeUInt64(frame.out(), ENTRY_SLOT, a.slot());
                WireCodec.writeBallot(frame.out(), ACCEPTED_BALLOT, a.ballot());
                writeLengthDelimitedTag(frame.out(), ACCEPTED_VALUE, value);
                WireCodec.writeValue(frame.out(), a.value());
                return frame.sealed();
            }
            if (record instanceof JournalRecord.ChosenValue c) {
                int value = WireCodec.valueSize(c.value());
                Frame frame = startFrame(c.groupId(), RECORD_CHOSEN, WireCodec.uint64Size(ENTRY_SLOT, c.slot())
                        + WireCodec.lengthDelimitedSize(CHOSEN_VALUE, value));
                WireCodec.writeUInt64(frame.out(), ENTRY_SLOT, c.slot());
                writeLengthDelimitedTag(frame.out(), CHOSEN_VALUE, value);
                WireCodec.writeValue(frame.out(), c.value());
                return frame.sealed();
            }
        } catch (IOException e) {
            throw new IllegalStateException("a journal record did not fit the frame its size was computed for", e);
        }
        return encodeGenerated(record);
    }

    /** The frame as the generated protobuf code writes it: the reference for {@link #encode}. */
    static byte[] encodeGenerated(JournalRecord record) {
        byte[] payload = toProto(record).toByteArray();
        ByteBuffer frame = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        frame.put(FORMAT_VERSION).putInt(crc32c(payload, 0, payload.length)).put(payload);
        return frame.array();
    }

    private static void writeLengthDelimitedTag(CodedOutputStream out, int field, int length) throws IOException {
        out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(length);
    }

    /** A frame being written: the bytes (header first) and the stream over its payload. */
    private record Frame(byte[] bytes, CodedOutputStream out) {
        /** Checks the payload filled the frame exactly, then writes the version and the payload's CRC32C in front. */
        byte[] sealed() {
            out.checkNoSpaceLeft();
            bytes[0] = FORMAT_VERSION;
            int crc = crc32c(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES);
            bytes[1] = (byte) (crc >>> 24);
            bytes[2] = (byte) (crc >>> 16);
            bytes[3] = (byte) (crc >>> 8);
            bytes[4] = (byte) crc;
            return bytes;
        }
    }

    /**
     * A frame for a record of {@code groupId} whose entry, field {@code recordField}, takes
     * {@code entrySize} bytes; the group and the entry's tag are written, the entry's fields come next.
     */
    private static Frame startFrame(long groupId, int recordField, int entrySize) throws IOException {
        byte[] bytes = new byte[HEADER_BYTES + WireCodec.uint64Size(RECORD_GROUP, groupId)
                + WireCodec.lengthDelimitedSize(recordField, entrySize)];
        CodedOutputStream out = CodedOutputStream.newInstance(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES);
        WireCodec.writeUInt64(out, RECORD_GROUP, groupId);
        writeLengthDelimitedTag(out, recordField, entrySize);
        return new Frame(bytes, out);
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
