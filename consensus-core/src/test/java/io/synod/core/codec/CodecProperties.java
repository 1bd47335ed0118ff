package io.synod.core.codec;

import io.synod.core.protocol.AcceptedEntry;
import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.JournalRecord;
import io.synod.core.protocol.Message;
import io.synod.core.protocol.Rejection;
import io.synod.core.protocol.Value;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The wire and journal codecs: exact round trips, and damage always detected, never misread. */
class CodecProperties {

    @Property
    void everyMessageSurvivesTheWire(@ForAll("messages") Message message) throws CodecException {
        assertEquals(message, MessageCodec.fromBytes(MessageCodec.toBytes(message)));
    }

    @Property
    void everyJournalRecordSurvivesItsFrame(@ForAll("records") JournalRecord record) throws CodecException {
        assertEquals(record, JournalCodec.decode(JournalCodec.encode(record)));
    }

    @Property
    void anySingleBitFlipInAJournalFrameIsDetected(@ForAll("records") JournalRecord record,
                                                  @ForAll @IntRange(min = 0, max = 1 << 20) int position) {
        byte[] frame = JournalCodec.encode(record);
        int bit = position % ((frame.length - 1) * 8) + 8; // any bit after the version byte
        frame[bit / 8] ^= (byte) (1 << (bit % 8));
        assertThrows(JournalCodec.ChecksumMismatchException.class, () -> JournalCodec.decode(frame));
    }

    @Property
    void aTornJournalFrameIsDetected(@ForAll("records") JournalRecord record, @ForAll @IntRange(min = 0, max = 1 << 20) int cut) {
        byte[] frame = JournalCodec.encode(record);
        byte[] torn = java.util.Arrays.copyOf(frame, cut % frame.length);
        assertThrows(CodecException.class, () -> JournalCodec.decode(torn));
    }

    @Property
    void arbitraryBytesDecodeToAValidMessageOrACodecException(@ForAll byte[] garbage) {
        try {
            Message message = MessageCodec.fromBytes(garbage);
            assertTrue(message.from() > 0 && message.to() > 0 && message.groupId() >= 0, message.toString());
        } catch (CodecException expected) {
            // the only acceptable failure
        }
    }

    @Property
    void arbitraryBytesNeverDecodeAsAJournalRecordByAccident(@ForAll byte[] garbage) {
        try {
            JournalCodec.decode(garbage);
        } catch (CodecException expected) {
            // the only acceptable failure
        }
    }

    @Example
    void aFrameFromANewerFormatIsRefusedByName() {
        byte[] frame = JournalCodec.encode(new JournalRecord.PromisedBallot(1, new Ballot(2, 3)));
        frame[0] = 2;
        JournalCodec.UnsupportedFormatException e =
                assertThrows(JournalCodec.UnsupportedFormatException.class, () -> JournalCodec.decode(frame));
        assertTrue(e.getMessage().contains("format version 2"), e.getMessage());
    }

    @Example
    void anEnvelopeWithoutABodyIsRefused() {
        byte[] empty = io.synod.core.codec.proto.Envelope.newBuilder().setGroupId(1).setFrom(1).setTo(2).build().toByteArray();
        assertThrows(CodecException.class, () -> MessageCodec.fromBytes(empty));
    }

    @Example
    void aBatchMayNotSmuggleInAMessageFromAnotherNode() {
        io.synod.core.codec.proto.Envelope inner = MessageCodec.encode(new Message.Heartbeat(1, 3, 2, new Ballot(1, 3), 0, 0));
        byte[] bad = io.synod.core.codec.proto.Envelope.newBuilder().setFrom(1).setTo(2)
                .setBatch(io.synod.core.codec.proto.BatchPb.newBuilder().addMessages(inner)).build().toByteArray();
        CodecException e = assertThrows(CodecException.class, () -> MessageCodec.fromBytes(bad));
        assertTrue(e.getMessage().contains("holds a message from node 3"), e.getMessage());
    }

    @Example
    void aNodeIdBeyondTheJavaIntRangeIsRefused() {
        byte[] bad = io.synod.core.codec.proto.Envelope.newBuilder().setGroupId(1).setFrom(-5).setTo(2)
                .setPreVote(io.synod.core.codec.proto.PreVotePb.newBuilder()).build().toByteArray();
        CodecException e = assertThrows(CodecException.class, () -> MessageCodec.fromBytes(bad));
        assertTrue(e.getMessage().contains("sender"), e.getMessage());
    }

    // ---- generators ---------------------------------------------------------------------

    private static Arbitrary<Ballot> ballots() {
        return Arbitraries.oneOf(Arbitraries.just(Ballot.ZERO),
                Combinators.combine(Arbitraries.longs().between(1, Long.MAX_VALUE - 1), Arbitraries.integers().between(1, Integer.MAX_VALUE))
                        .as(Ballot::new));
    }

    private static Arbitrary<Long> slots() {
        return Arbitraries.longs().between(1, Long.MAX_VALUE);
    }

    private static Arbitrary<Command> commands() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.bytes().array(byte[].class).ofMaxSize(64)).as(Command::new);
    }

    private static Arbitrary<Value> values() {
        Arbitrary<Integer> node = Arbitraries.integers().between(1, Integer.MAX_VALUE);
        Arbitrary<Value> changes = Combinators.combine(Arbitraries.longs(), Arbitraries.longs().between(0, Long.MAX_VALUE),
                node.set().ofMaxSize(5), node.set().ofMaxSize(3),
                Arbitraries.maps(node, Arbitraries.strings().ofMaxLength(20)).ofMaxSize(3))
                .as(Value.Reconfigure::new);
        return Arbitraries.oneOf(Arbitraries.just(Value.NOOP),
                commands().list().ofMinSize(1).ofMaxSize(5).map(Value.Batch::new), changes);
    }

    @Provide
    Arbitrary<Message> messages() {
        return allMessages();
    }

    static Arbitrary<Message> allMessages() {
        Arbitrary<Long> group = Arbitraries.longs().between(0, Long.MAX_VALUE);
        Arbitrary<Integer> node = Arbitraries.integers().between(1, Integer.MAX_VALUE);
        Arbitrary<AcceptedEntry> votes = Combinators.combine(slots(), ballots(), values()).as(AcceptedEntry::new);
        Arbitrary<ChosenEntry> chosen = Combinators.combine(slots(), values()).as(ChosenEntry::new);
        Arbitrary<Long> bound = Arbitraries.longs().between(0, Long.MAX_VALUE);
        return Arbitraries.oneOf(
                Combinators.combine(group, node, node, ballots()).as(Message.PreVote::new),
                Combinators.combine(group, node, node, ballots(), Arbitraries.of(true, false), ballots()).as(Message.PreVoteReply::new),
                Combinators.combine(group, node, node, ballots(), slots(), Arbitraries.of(true, false)).as(Message.Prepare::new),
                Combinators.combine(group, node, node, ballots()).as(Message.TimeoutNow::new),
                Combinators.combine(group, node, node, ballots(), slots(), votes.list().ofMaxSize(4), bound, bound).as(Message.Promise::new),
                Combinators.combine(group, node, node, ballots(), slots(), values(), bound).as(Message.Accept::new),
                Combinators.combine(group, node, node, ballots(), slots()).as(Message.Accepted::new),
                Combinators.combine(group, node, node, ballots(), bound, Arbitraries.longs()).as(Message.Heartbeat::new),
                Combinators.combine(group, node, node, ballots(), bound, bound, Arbitraries.longs()).as(Message.HeartbeatReply::new),
                Combinators.combine(group, node, node, Arbitraries.longs()).as(Message.ReadIndexRequest::new),
                Combinators.combine(group, node, node, Arbitraries.longs(), Arbitraries.of(true, false), bound,
                        Arbitraries.integers().between(0, Integer.MAX_VALUE)).as(Message.ReadIndexReply::new),
                Combinators.combine(group, node, node, ballots(), ballots(), Arbitraries.of(Message.NackReason.class)).as(Message.Nack::new),
                Combinators.combine(group, node, node, bound, bound).as(Message.CatchUpRequest::new),
                Combinators.combine(group, node, node, chosen.list().ofMaxSize(4), bound).as(Message.CatchUpReply::new),
                Combinators.combine(group, node, node, commands(), Arbitraries.longs()).as(Message.Forward::new),
                Combinators.combine(group, node, node, Arbitraries.longs(), Arbitraries.longs(), Arbitraries.of(Rejection.Reason.class),
                        Arbitraries.integers().between(0, Integer.MAX_VALUE)).as(Message.ForwardRejected::new),
                batches(group, node, bound),
                Combinators.combine(group, node, node, bound, bound).as(Message.SnapshotRequest::new),
                snapshotChunks(group, node, bound));
    }

    /** Chunks whose data fits inside the snapshot they belong to. */
    private static Arbitrary<Message> snapshotChunks(Arbitrary<Long> group, Arbitrary<Integer> node, Arbitrary<Long> bound) {
        return Combinators.combine(group, node, node, bound, Arbitraries.integers(),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64), Arbitraries.longs().between(0, 1L << 40))
                .as((g, from, to, slot, crc, data, offset) -> new Message.SnapshotChunk(g, from, to, slot,
                        offset + data.length + 7, crc, offset, data));
    }

    /** Batches of heartbeats and replies of several groups, all between the same two nodes. */
    private static Arbitrary<Message> batches(Arbitrary<Long> group, Arbitrary<Integer> node, Arbitrary<Long> bound) {
        return Combinators.combine(node, node, Arbitraries.integers().between(0, 4)).flatAs((from, to, n) -> {
            Arbitrary<Message> inner = Arbitraries.oneOf(
                    Combinators.combine(group, ballots(), bound, bound).as((g, b, c, r) -> new Message.Heartbeat(g, from, to, b, c, r)),
                    Combinators.combine(group, ballots(), bound, bound, bound)
                            .as((g, b, f, h, r) -> new Message.HeartbeatReply(g, from, to, b, f, h, r)));
            return inner.list().ofSize(n).map(list -> new Message.Batch(0, from, to, list));
        });
    }

    @Provide
    Arbitrary<JournalRecord> records() {
        Arbitrary<Long> group = Arbitraries.longs().between(0, Long.MAX_VALUE);
        return Arbitraries.oneOf(
                Combinators.combine(group, ballots()).as(JournalRecord.PromisedBallot::new),
                Combinators.combine(group, slots(), ballots(), values()).as(JournalRecord.AcceptedValue::new),
                Combinators.combine(group, slots(), values()).as(JournalRecord.ChosenValue::new));
    }

    /** messages() lists nineteen kinds; a new kind must be added there, and this reminds whoever adds one. */
    @Example
    void theGeneratorCoversEveryMessageKind() {
        assertEquals(19, Message.class.getPermittedSubclasses().length);
    }
}
