package io.synod.core.codec;

import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.Message;
import io.synod.core.protocol.Value;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The hot path of the wire format: reads and writes the messages of steady-state replication
 * ({@code Accept}, {@code Accepted}, {@code Heartbeat}, {@code HeartbeatReply}) directly in
 * protobuf wire format, without building the generated objects — the same bytes as
 * {@link MessageCodec}, about a third of the work. Every other kind goes through
 * {@link MessageCodec}. Equivalence with the generated code is a property test
 * ({@code WireCodecProperties}). Stateless and thread-safe.
 */
public final class WireCodec {
    // Envelope fields (synod.proto)
    static final int GROUP = 1;
    static final int FROM = 2;
    static final int TO = 3;
    static final int FIRST_BODY = 10;
    static final int LAST_BODY = 27;
    static final int ACCEPT = 14;
    static final int ACCEPTED = 15;
    static final int HEARTBEAT = 16;
    static final int HEARTBEAT_REPLY = 17;

    private WireCodec() {
    }

    /** Bytes {@link #write} will produce. */
    public static int size(Message message) {
        int body = bodySize(message);
        if (body < 0) {
            return MessageCodec.encode(message).getSerializedSize();
        }
        return headerSize(message) + CodedOutputStream.computeTagSize(bodyField(message))
                + CodedOutputStream.computeUInt32SizeNoTag(body) + body;
    }

    public static void write(Message message, CodedOutputStream out) throws IOException {
        int body = bodySize(message);
        if (body < 0) {
            MessageCodec.encode(message).writeTo(out);
            return;
        }
        writeUInt64(out, GROUP, message.groupId());
        writeUInt32(out, FROM, message.from());
        writeUInt32(out, TO, message.to());
        out.writeTag(bodyField(message), WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(body);
        if (message instanceof Message.Accept m) {
            writeBallot(out, 1, m.ballot());
            writeUInt64(out, 2, m.slot());
            out.writeTag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(valueSize(m.value()));
            writeValue(out, m.value());
            writeUInt64(out, 4, m.commitUpTo());
        } else if (message instanceof Message.Accepted m) {
            writeBallot(out, 1, m.ballot());
            writeUInt64(out, 2, m.slot());
        } else if (message instanceof Message.Heartbeat m) {
            writeBallot(out, 1, m.ballot());
            writeUInt64(out, 2, m.commitUpTo());
            writeUInt64(out, 3, m.readRound());
        } else if (message instanceof Message.HeartbeatReply m) {
            writeBallot(out, 1, m.ballot());
            writeUInt64(out, 2, m.firstUnchosenSlot());
            writeUInt64(out, 3, m.highestVotedSlot());
            writeUInt64(out, 4, m.readRound());
        }
    }

    /**
     * Decodes one envelope from {@code body} (consumed); anything malformed is a {@link CodecException}.
     * Every payload is copied out of {@code body}, which the caller may reuse afterwards.
     */
    public static Message read(ByteBuffer body) throws CodecException {
        return WireReader.read(body);
    }

    /**
     * Decodes one envelope from {@code body}, as {@link #read(ByteBuffer)} does, but without copying
     * payloads: the decoded commands keep views of {@code body} (one copy per message fewer). The
     * caller hands {@code body} over and must never write it again.
     */
    public static Message readOwned(byte[] body) throws CodecException {
        return WireReader.readOwned(body);
    }

    private static int bodyField(Message message) {
        if (message instanceof Message.Accept) {
            return ACCEPT;
        }
        if (message instanceof Message.Accepted) {
            return ACCEPTED;
        }
        return message instanceof Message.Heartbeat ? HEARTBEAT : HEARTBEAT_REPLY;
    }

    /** Size of the hot body, or -1 for a kind that goes through {@link MessageCodec}. */
    private static int bodySize(Message message) {
        if (message instanceof Message.Accept m) {
            int value = valueSize(m.value());
            return ballotFieldSize(m.ballot()) + uint64Size(2, m.slot())
                    + CodedOutputStream.computeTagSize(3) + CodedOutputStream.computeUInt32SizeNoTag(value) + value
                    + uint64Size(4, m.commitUpTo());
        }
        if (message instanceof Message.Accepted m) {
            return ballotFieldSize(m.ballot()) + uint64Size(2, m.slot());
        }
        if (message instanceof Message.Heartbeat m) {
            return ballotFieldSize(m.ballot()) + uint64Size(2, m.commitUpTo()) + uint64Size(3, m.readRound());
        }
        if (message instanceof Message.HeartbeatReply m) {
            return ballotFieldSize(m.ballot()) + uint64Size(2, m.firstUnchosenSlot()) + uint64Size(3, m.highestVotedSlot())
                    + uint64Size(4, m.readRound());
        }
        return -1;
    }

    private static int headerSize(Message message) {
        return uint64Size(GROUP, message.groupId()) + uint32Size(FROM, message.from()) + uint32Size(TO, message.to());
    }

    static int ballotSize(Ballot ballot) {
        return uint64Size(1, ballot.round()) + uint32Size(2, ballot.nodeId());
    }

    private static int ballotFieldSize(Ballot ballot) {
        return ballotFieldSize(1, ballot);
    }

    /** A ballot as message field {@code field}: tag, length and the ballot (written even when empty, as protobuf does for a set message). */
    static int ballotFieldSize(int field, Ballot ballot) {
        return lengthDelimitedSize(field, ballotSize(ballot));
    }

    /** Tag, length prefix and {@code length} bytes of a length-delimited field. */
    static int lengthDelimitedSize(int field, int length) {
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(length) + length;
    }

    static int valueSize(Value value) {
        if (value instanceof Value.Reconfigure change) {
            return lengthDelimitedSize(3, ProtoValues.reconfigure(change).getSerializedSize());
        }
        if (!(value instanceof Value.Batch batch)) {
            return CodedOutputStream.computeBoolSize(1, true);
        }
        int size = 0;
        for (Command command : batch.commands()) {
            int c = commandSize(command);
            size += CodedOutputStream.computeTagSize(2) + CodedOutputStream.computeUInt32SizeNoTag(c) + c;
        }
        return size;
    }

    static int commandSize(Command command) {
        int payload = command.sizeBytes();
        return uint64Size(1, command.id())
                + (payload == 0 ? 0 : CodedOutputStream.computeTagSize(2) + CodedOutputStream.computeUInt32SizeNoTag(payload) + payload);
    }

    static void writeBallot(CodedOutputStream out, int field, Ballot ballot) throws IOException {
        out.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        out.writeUInt32NoTag(ballotSize(ballot));
        writeUInt64(out, 1, ballot.round());
        writeUInt32(out, 2, ballot.nodeId());
    }

    static void writeValue(CodedOutputStream out, Value value) throws IOException {
        if (value instanceof Value.Reconfigure change) {
            out.writeMessage(3, ProtoValues.reconfigure(change));
            return;
        }
        if (!(value instanceof Value.Batch batch)) {
            out.writeBool(1, true);
            return;
        }
        for (Command command : batch.commands()) {
            out.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            out.writeUInt32NoTag(commandSize(command));
            writeUInt64(out, 1, command.id());
            if (command.sizeBytes() > 0) {
                out.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                out.writeUInt32NoTag(command.sizeBytes());
                out.writeRawBytes(command.payloadView());
            }
        }
    }

    // proto3: a scalar equal to its default (0) is not written.
    static int uint64Size(int field, long value) {
        return value == 0 ? 0 : CodedOutputStream.computeUInt64Size(field, value);
    }

    static int uint32Size(int field, int value) {
        return value == 0 ? 0 : CodedOutputStream.computeUInt32Size(field, value);
    }

    static void writeUInt64(CodedOutputStream out, int field, long value) throws IOException {
        if (value != 0) {
            out.writeUInt64(field, value);
        }
    }

    static void writeUInt32(CodedOutputStream out, int field, int value) throws IOException {
        if (value != 0) {
            out.writeUInt32(field, value);
        }
    }
}
