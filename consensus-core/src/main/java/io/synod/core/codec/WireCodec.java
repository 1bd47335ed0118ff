package io.synod.core.codec;

import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.Message;
import io.synod.core.protocol.Value;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

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
    private static final int GROUP = 1;
    private static final int FROM = 2;
    private static final int TO = 3;
    private static final int FIRST_BODY = 10;
    private static final int LAST_BODY = 27;
    private static final int ACCEPT = 14;
    private static final int ACCEPTED = 15;
    private static final int HEARTBEAT = 16;
    private static final int HEARTBEAT_REPLY = 17;

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
        return read(body, CodedInputStream.newInstance(body), null, 0);
    }

    /**
     * Decodes one envelope from {@code body}, as {@link #read(ByteBuffer)} does, but without copying
     * payloads: the decoded commands keep views of {@code body} (one copy per message fewer). The
     * caller hands {@code body} over and must never write it again.
     */
    public static Message readOwned(byte[] body) throws CodecException {
        return read(ByteBuffer.wrap(body), CodedInputStream.newInstance(body), body, 0);
    }

    /** {@code frame} is the array {@code in} reads from, from {@code frameBase}, when payloads may stay in it; else null. */
    private static Message read(ByteBuffer body, CodedInputStream in, byte[] frame, int frameBase) throws CodecException {
        ByteBuffer whole = body.duplicate();
        try {
            long group = 0;
            int from = 0;
            int to = 0;
            int bodyField = 0;
            Fields fields = null;
            int tag;
            while ((tag = in.readTag()) != 0) {
                int field = WireFormat.getTagFieldNumber(tag);
                if (tag == tag(GROUP, WireFormat.WIRETYPE_VARINT)) {
                    group = in.readUInt64();
                } else if (tag == tag(FROM, WireFormat.WIRETYPE_VARINT)) {
                    from = in.readUInt32();
                } else if (tag == tag(TO, WireFormat.WIRETYPE_VARINT)) {
                    to = in.readUInt32();
                } else if (field >= FIRST_BODY && field <= LAST_BODY) {
                    if (bodyField != 0 || !isHot(field) || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        return MessageCodec.fromBytes(bytes(whole)); // rare kinds and odd shapes: the generated parser
                    }
                    bodyField = field;
                    int limit = in.pushLimit(in.readRawVarint32());
                    fields = readBody(in, field, new Fields(frame, frameBase));
                    in.popLimit(limit);
                } else {
                    in.skipField(tag); // a field a newer version added: ignore, as protobuf does
                }
            }
            if (bodyField == 0) {
                return MessageCodec.fromBytes(bytes(whole)); // no body: the generated path says why
            }
            return toMessage(ProtoValues.groupId(group), ProtoValues.nodeId(from, "sender"),
                    ProtoValues.nodeId(to, "receiver"), bodyField, fields);
        } catch (InvalidProtocolBufferException e) {
            throw new CodecException("not a valid Synod envelope: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new CodecException("not a valid Synod envelope: " + e.getMessage(), e);
        }
    }

    /** The fields of a hot body, as read (validated when the message is built). */
    private static final class Fields {
        /** Where payloads may stay (see {@link #readOwned}), or null when they must be copied out. */
        final byte[] frame;
        /** Index in {@link #frame} of the first byte the stream reads. */
        final int frameBase;
        long round;
        int node;
        long slotOrBound;
        long commitUpTo;
        long highestVotedSlot;
        long readRound;
        Value value = null;
        boolean valueSeen;

        Fields(byte[] frame, int frameBase) {
            this.frame = frame;
            this.frameBase = frameBase;
        }
    }

    private static Fields readBody(CodedInputStream in, int bodyField, Fields f) throws IOException, CodecException {
        int tag;
        while ((tag = in.readTag()) != 0) {
            int field = WireFormat.getTagFieldNumber(tag);
            int type = WireFormat.getTagWireType(tag);
            if (field == 1 && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                readBallot(in, f);
                in.popLimit(limit);
            } else if (field == 2 && type == WireFormat.WIRETYPE_VARINT) {
                f.slotOrBound = in.readUInt64();
            } else if (bodyField == ACCEPT && field == 3 && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = in.pushLimit(in.readRawVarint32());
                f.value = readValue(in, f);
                f.valueSeen = true;
                in.popLimit(limit);
            } else if (bodyField == ACCEPT && field == 4 && type == WireFormat.WIRETYPE_VARINT) {
                f.commitUpTo = in.readUInt64();
            } else if (bodyField == HEARTBEAT_REPLY && field == 3 && type == WireFormat.WIRETYPE_VARINT) {
                f.highestVotedSlot = in.readUInt64();
            } else if ((bodyField == HEARTBEAT && field == 3 || bodyField == HEARTBEAT_REPLY && field == 4)
                    && type == WireFormat.WIRETYPE_VARINT) {
                f.readRound = in.readUInt64();
            } else {
                in.skipField(tag); // unknown, or a known field with another wire type: protobuf skips both
            }
        }
        return f;
    }

    private static void readBallot(CodedInputStream in, Fields f) throws IOException {
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == tag(1, WireFormat.WIRETYPE_VARINT)) {
                f.round = in.readUInt64();
            } else if (tag == tag(2, WireFormat.WIRETYPE_VARINT)) {
                f.node = in.readUInt32();
            } else {
                in.skipField(tag);
            }
        }
    }

    private static final byte[] NO_PAYLOAD = new byte[0];

    /** Reads a ValuePb, merging into {@code f.value} as protobuf merges a repeated submessage field. */
    private static Value readValue(CodedInputStream in, Fields f) throws IOException, CodecException {
        Value previous = f.value;
        boolean noop = previous instanceof Value.Noop;
        // Most batches hold one command: keep it aside and build a list only for a second one.
        Command only = null;
        List<Command> commands = null;
        if (previous instanceof Value.Batch batch) {
            commands = new ArrayList<>(batch.commands());
        }
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == tag(1, WireFormat.WIRETYPE_VARINT)) {
                noop = in.readBool();
            } else if (tag == tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                int limit = in.pushLimit(in.readRawVarint32());
                Command command = readCommand(in, f);
                in.popLimit(limit);
                if (commands == null && only == null) {
                    only = command;
                } else {
                    if (commands == null) {
                        commands = new ArrayList<>();
                        commands.add(only);
                        only = null;
                    }
                    commands.add(command);
                }
            } else {
                in.skipField(tag);
            }
        }
        int count = commands != null ? commands.size() : only != null ? 1 : 0;
        if (noop) {
            if (count != 0) {
                throw new CodecException("accept: a no-op carries " + count + " commands");
            }
            return Value.NOOP;
        }
        if (count == 0) {
            throw new CodecException("accept: a batch with no commands (a no-op must say noop)");
        }
        return new Value.Batch(commands != null ? commands : List.of(only));
    }

    /** A CommandPb: its payload a view of {@code f.frame} when there is one, else copied out of the stream. */
    private static Command readCommand(CodedInputStream in, Fields f) throws IOException {
        long id = 0;
        byte[] payload = NO_PAYLOAD;
        int payloadAt = 0;
        int payloadLength = 0;
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag == tag(1, WireFormat.WIRETYPE_VARINT)) {
                id = in.readUInt64();
            } else if (tag == tag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                if (f.frame != null) {
                    payloadLength = in.readRawVarint32();
                    payloadAt = f.frameBase + in.getTotalBytesRead();
                    in.skipRawBytes(payloadLength); // refuses a negative or truncated length, as readByteArray does
                    payload = f.frame;
                } else {
                    payload = in.readByteArray(); // the one copy out of the network buffer
                    payloadAt = 0;
                    payloadLength = payload.length;
                }
            } else {
                in.skipField(tag);
            }
        }
        return Command.ofOwned(id, payload, payloadAt, payloadLength);
    }

    private static Message toMessage(long group, int from, int to, int bodyField, Fields f) throws CodecException {
        switch (bodyField) {
            case ACCEPT: {
                Value value = f.valueSeen ? f.value : null;
                if (value == null) {
                    throw new CodecException("accept: a batch with no commands (a no-op must say noop)");
                }
                return new Message.Accept(group, from, to, ProtoValues.ballot(f.round, f.node, "accept"),
                        ProtoValues.slot(f.slotOrBound, "accept"), value, ProtoValues.slotBound(f.commitUpTo, "accept commit point"));
            }
            case ACCEPTED:
                return new Message.Accepted(group, from, to, ProtoValues.ballot(f.round, f.node, "accepted"),
                        ProtoValues.slot(f.slotOrBound, "accepted"));
            case HEARTBEAT:
                return new Message.Heartbeat(group, from, to, ProtoValues.ballot(f.round, f.node, "heartbeat"),
                        ProtoValues.slotBound(f.slotOrBound, "heartbeat commit point"), f.readRound);
            default:
                return new Message.HeartbeatReply(group, from, to, ProtoValues.ballot(f.round, f.node, "heartbeat reply"),
                        ProtoValues.slotBound(f.slotOrBound, "heartbeat reply first unchosen slot"),
                        ProtoValues.slotBound(f.highestVotedSlot, "heartbeat reply highest voted slot"), f.readRound);
        }
    }

    /** A protobuf tag: field number and wire type (WireFormat.makeTag is not public). */
    private static int tag(int field, int wireType) {
        return (field << 3) | wireType;
    }

    private static boolean isHot(int field) {
        return field == ACCEPT || field == ACCEPTED || field == HEARTBEAT || field == HEARTBEAT_REPLY;
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

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
