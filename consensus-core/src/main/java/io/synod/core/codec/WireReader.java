package io.synod.core.codec;

import io.synod.core.protocol.Command;
import io.synod.core.protocol.Message;
import io.synod.core.protocol.Value;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static io.synod.core.codec.WireCodec.ACCEPT;
import static io.synod.core.codec.WireCodec.ACCEPTED;
import static io.synod.core.codec.WireCodec.FIRST_BODY;
import static io.synod.core.codec.WireCodec.FROM;
import static io.synod.core.codec.WireCodec.GROUP;
import static io.synod.core.codec.WireCodec.HEARTBEAT;
import static io.synod.core.codec.WireCodec.HEARTBEAT_REPLY;
import static io.synod.core.codec.WireCodec.LAST_BODY;
import static io.synod.core.codec.WireCodec.TO;

/**
 * The reading half of {@link WireCodec}: the hot messages straight from protobuf wire format,
 * anything else (or any odd shape) through the generated parser. Stateless and thread-safe.
 */
final class WireReader {
    private static final byte[] NO_PAYLOAD = new byte[0];

    private WireReader() {
    }

    /** See {@link WireCodec#read(ByteBuffer)}. */
    static Message read(ByteBuffer body) throws CodecException {
        ByteBuffer whole = body.duplicate();
        return read(CodedInputStream.newInstance(body), null, whole);
    }

    /** See {@link WireCodec#readOwned(byte[])}. */
    static Message readOwned(byte[] body) throws CodecException {
        return read(CodedInputStream.newInstance(body), body, null);
    }

    /**
     * Reads the envelope {@code in} reads from: all of {@code owned} when payloads may stay in it,
     * else (owned null) the bytes of {@code whole}, which only the generated parser's fallback reads.
     */
    private static Message read(CodedInputStream in, byte[] owned, ByteBuffer whole) throws CodecException {
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
                        return MessageCodec.fromBytes(envelope(owned, whole)); // rare kinds and odd shapes: the generated parser
                    }
                    bodyField = field;
                    int limit = in.pushLimit(in.readRawVarint32());
                    fields = readBody(in, field, new Fields(owned));
                    in.popLimit(limit);
                } else {
                    in.skipField(tag); // a field a newer version added: ignore, as protobuf does
                }
            }
            if (bodyField == 0) {
                return MessageCodec.fromBytes(envelope(owned, whole)); // no body: the generated path says why
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
        /** The array the stream reads (from index 0) when payloads may stay in it (see {@link #readOwned}); else null. */
        final byte[] frame;
        long round;
        int node;
        long slotOrBound;
        long commitUpTo;
        long highestVotedSlot;
        long readRound;
        Value value = null;
        boolean valueSeen;

        Fields(byte[] frame) {
            this.frame = frame;
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

    /** Reads a ValuePb, merging into {@code f.value} as protobuf merges a repeated submessage field. */
    private static Value readValue(CodedInputStream in, Fields f) throws IOException, CodecException {
        Value previous = f.value;
        boolean noop = previous instanceof Value.Noop;
        io.synod.core.codec.proto.ReconfigurePb change = previous instanceof Value.Reconfigure r ? ProtoValues.reconfigure(r) : null;
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
            } else if (tag == tag(3, WireFormat.WIRETYPE_LENGTH_DELIMITED)) {
                change = io.synod.core.codec.proto.ReconfigurePb.parseFrom(in.readBytes());
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
        if (change != null) {
            if (noop || count != 0) {
                throw new CodecException("accept: a membership change also carries a no-op flag or commands");
            }
            return ProtoValues.reconfigure(change, "accept");
        }
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
                    payloadAt = in.getTotalBytesRead();
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


    /** The whole envelope as an array, for the generated parser (which copies what it keeps). */
    private static byte[] envelope(byte[] owned, ByteBuffer whole) {
        if (owned != null) {
            return owned;
        }
        byte[] bytes = new byte[whole.remaining()];
        whole.get(bytes);
        return bytes;
    }
}
