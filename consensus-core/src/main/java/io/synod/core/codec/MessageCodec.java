package io.synod.core.codec;

import io.synod.core.codec.proto.AcceptPb;
import io.synod.core.codec.proto.AcceptedEntryPb;
import io.synod.core.codec.proto.AcceptedPb;
import io.synod.core.codec.proto.BatchPb;
import io.synod.core.codec.proto.CatchUpReplyPb;
import io.synod.core.codec.proto.CatchUpRequestPb;
import io.synod.core.codec.proto.ChosenEntryPb;
import io.synod.core.codec.proto.Envelope;
import io.synod.core.codec.proto.ForwardPb;
import io.synod.core.codec.proto.ForwardRejectedPb;
import io.synod.core.codec.proto.HeartbeatPb;
import io.synod.core.codec.proto.HeartbeatReplyPb;
import io.synod.core.codec.proto.NackPb;
import io.synod.core.codec.proto.NackReasonPb;
import io.synod.core.codec.proto.PreVotePb;
import io.synod.core.codec.proto.PreVoteReplyPb;
import io.synod.core.codec.proto.PreparePb;
import io.synod.core.codec.proto.PromisePb;
import io.synod.core.codec.proto.SnapshotChunkPb;
import io.synod.core.codec.proto.SnapshotRequestPb;
import io.synod.core.codec.proto.RejectionReasonPb;
import io.synod.core.protocol.AcceptedEntry;
import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.Message;
import io.synod.core.protocol.Rejection;

import com.google.protobuf.InvalidProtocolBufferException;

import java.util.ArrayList;
import java.util.List;

import static io.synod.core.codec.ProtoValues.ballot;
import static io.synod.core.codec.ProtoValues.slot;
import static io.synod.core.codec.ProtoValues.slotBound;
import static io.synod.core.codec.ProtoValues.value;

/**
 * Protocol {@link Message}s to and from the protobuf {@link Envelope} that travels on the wire.
 * Stateless and thread-safe.
 */
public final class MessageCodec {
    private MessageCodec() {
    }

    public static byte[] toBytes(Message message) {
        return encode(message).toByteArray();
    }

    /** Parses and validates one envelope; anything malformed is a {@link CodecException}. */
    public static Message fromBytes(byte[] bytes) throws CodecException {
        try {
            return decode(Envelope.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new CodecException("not a valid Synod envelope: " + e.getMessage(), e);
        }
    }

    public static Envelope encode(Message message) {
        Envelope.Builder e = Envelope.newBuilder()
                .setGroupId(message.groupId()).setFrom(message.from()).setTo(message.to());
        if (message instanceof Message.PreVote m) {
            e.setPreVote(PreVotePb.newBuilder().setBallot(ballot(m.ballot())));
        } else if (message instanceof Message.PreVoteReply m) {
            e.setPreVoteReply(PreVoteReplyPb.newBuilder().setBallot(ballot(m.ballot())).setGranted(m.granted())
                    .setPromised(ballot(m.promised())));
        } else if (message instanceof Message.Prepare m) {
            e.setPrepare(PreparePb.newBuilder().setBallot(ballot(m.ballot())).setFromSlot(m.fromSlot())
                    .setLeaderTransfer(m.leaderTransfer()));
        } else if (message instanceof Message.TimeoutNow m) {
            e.setTimeoutNow(io.synod.core.codec.proto.TimeoutNowPb.newBuilder().setBallot(ballot(m.ballot())));
        } else if (message instanceof Message.Promise m) {
            PromisePb.Builder b = PromisePb.newBuilder().setBallot(ballot(m.ballot())).setFromSlot(m.fromSlot())
                    .setCompactedThrough(m.compactedThrough()).setEvictedThrough(m.evictedThrough());
            m.accepted().forEach(entry -> b.addAccepted(ProtoValues.accepted(entry)));
            e.setPromise(b);
        } else if (message instanceof Message.Accept m) {
            e.setAccept(AcceptPb.newBuilder().setBallot(ballot(m.ballot())).setSlot(m.slot())
                    .setValue(value(m.value())).setCommitUpTo(m.commitUpTo()));
        } else if (message instanceof Message.Accepted m) {
            e.setAccepted(AcceptedPb.newBuilder().setBallot(ballot(m.ballot())).setSlot(m.slot()));
        } else if (message instanceof Message.Heartbeat m) {
            e.setHeartbeat(HeartbeatPb.newBuilder().setBallot(ballot(m.ballot())).setCommitUpTo(m.commitUpTo())
                    .setReadRound(m.readRound()));
        } else if (message instanceof Message.HeartbeatReply m) {
            e.setHeartbeatReply(HeartbeatReplyPb.newBuilder().setBallot(ballot(m.ballot()))
                    .setFirstUnchosenSlot(m.firstUnchosenSlot()).setHighestVotedSlot(m.highestVotedSlot())
                    .setReadRound(m.readRound()));
        } else if (message instanceof Message.Nack m) {
            e.setNack(NackPb.newBuilder().setBallot(ballot(m.ballot())).setPromised(ballot(m.promised()))
                    .setReason(m.reason() == Message.NackReason.LEADER_ALIVE
                            ? NackReasonPb.NACK_REASON_LEADER_ALIVE : NackReasonPb.NACK_REASON_PROMISED_HIGHER));
        } else if (message instanceof Message.CatchUpRequest m) {
            e.setCatchUpRequest(CatchUpRequestPb.newBuilder().setFromSlot(m.fromSlot()).setToSlot(m.toSlot()));
        } else if (message instanceof Message.CatchUpReply m) {
            CatchUpReplyPb.Builder b = CatchUpReplyPb.newBuilder().setSnapshotSlot(m.snapshotSlot());
            m.chosen().forEach(entry -> b.addChosen(ProtoValues.chosen(entry)));
            e.setCatchUpReply(b);
        } else if (message instanceof Message.Forward m) {
            e.setForward(ForwardPb.newBuilder().setCommand(ProtoValues.command(m.command())).setAttempt(m.attempt()));
        } else if (message instanceof Message.ForwardRejected m) {
            e.setForwardRejected(ForwardRejectedPb.newBuilder().setCommandId(m.commandId()).setAttempt(m.attempt())
                    .setLeaderHint(m.leaderHint())
                    .setReason(switch (m.reason()) {
                        case OVERLOADED -> RejectionReasonPb.REJECTION_REASON_OVERLOADED;
                        case NOT_LEADER -> RejectionReasonPb.REJECTION_REASON_NOT_LEADER;
                        case MEMBERSHIP_CHANGE_REFUSED -> RejectionReasonPb.REJECTION_REASON_MEMBERSHIP_CHANGE_REFUSED;
                    }));
        } else if (message instanceof Message.SnapshotRequest m) {
            e.setSnapshotRequest(SnapshotRequestPb.newBuilder().setSlotAtLeast(m.slotAtLeast()).setOffset(m.offset()));
        } else if (message instanceof Message.SnapshotChunk m) {
            e.setSnapshotChunk(SnapshotChunkPb.newBuilder().setSlot(m.slot()).setTotalBytes(m.totalBytes())
                    .setCrc32C(m.crc32c()).setOffset(m.offset())
                    .setData(com.google.protobuf.UnsafeByteOperations.unsafeWrap(m.data())));
        } else if (message instanceof Message.ReadIndexRequest m) {
            e.setReadIndexRequest(io.synod.core.codec.proto.ReadIndexRequestPb.newBuilder().setReadId(m.readId()));
        } else if (message instanceof Message.ReadIndexReply m) {
            e.setReadIndexReply(io.synod.core.codec.proto.ReadIndexReplyPb.newBuilder().setReadId(m.readId())
                    .setConfirmed(m.confirmed()).setIndex(m.index()).setLeaderHint(m.leaderHint()));
        } else if (message instanceof Message.Batch m) {
            BatchPb.Builder b = BatchPb.newBuilder();
            m.messages().forEach(inner -> b.addMessages(encode(inner)));
            e.setBatch(b);
        } else {
            throw new IllegalArgumentException("no wire encoding for " + message.getClass().getName());
        }
        return e.build();
    }

    /** Validates and converts one envelope; a missing or unknown body is a {@link CodecException}. */
    public static Message decode(Envelope e) throws CodecException {
        long group = ProtoValues.groupId(e.getGroupId());
        int from = ProtoValues.nodeId(e.getFrom(), "sender");
        int to = ProtoValues.nodeId(e.getTo(), "receiver");
        switch (e.getBodyCase()) {
            case PRE_VOTE:
                return new Message.PreVote(group, from, to, ballot(e.getPreVote().getBallot(), "pre-vote"));
            case PRE_VOTE_REPLY: {
                PreVoteReplyPb m = e.getPreVoteReply();
                return new Message.PreVoteReply(group, from, to, ballot(m.getBallot(), "pre-vote reply"), m.getGranted(),
                        ballot(m.getPromised(), "pre-vote reply promise"));
            }
            case PREPARE: {
                PreparePb m = e.getPrepare();
                return new Message.Prepare(group, from, to, ballot(m.getBallot(), "prepare"), slot(m.getFromSlot(), "prepare"),
                        m.getLeaderTransfer());
            }
            case TIMEOUT_NOW:
                return new Message.TimeoutNow(group, from, to, ballot(e.getTimeoutNow().getBallot(), "timeout-now"));
            case PROMISE: {
                PromisePb m = e.getPromise();
                List<AcceptedEntry> accepted = new ArrayList<>(m.getAcceptedCount());
                for (AcceptedEntryPb entry : m.getAcceptedList()) {
                    accepted.add(ProtoValues.accepted(entry, "promise vote"));
                }
                return new Message.Promise(group, from, to, ballot(m.getBallot(), "promise"),
                        slot(m.getFromSlot(), "promise"), accepted, slotBound(m.getCompactedThrough(), "promise compaction point"),
                        slotBound(m.getEvictedThrough(), "promise eviction point"));
            }
            case ACCEPT: {
                AcceptPb m = e.getAccept();
                return new Message.Accept(group, from, to, ballot(m.getBallot(), "accept"), slot(m.getSlot(), "accept"),
                        value(m.getValue(), "accept"), slotBound(m.getCommitUpTo(), "accept commit point"));
            }
            case ACCEPTED: {
                AcceptedPb m = e.getAccepted();
                return new Message.Accepted(group, from, to, ballot(m.getBallot(), "accepted"), slot(m.getSlot(), "accepted"));
            }
            case HEARTBEAT: {
                HeartbeatPb m = e.getHeartbeat();
                return new Message.Heartbeat(group, from, to, ballot(m.getBallot(), "heartbeat"),
                        slotBound(m.getCommitUpTo(), "heartbeat commit point"), m.getReadRound());
            }
            case HEARTBEAT_REPLY: {
                HeartbeatReplyPb m = e.getHeartbeatReply();
                return new Message.HeartbeatReply(group, from, to, ballot(m.getBallot(), "heartbeat reply"),
                        slotBound(m.getFirstUnchosenSlot(), "heartbeat reply first unchosen slot"),
                        slotBound(m.getHighestVotedSlot(), "heartbeat reply highest voted slot"), m.getReadRound());
            }
            case NACK:
                return nack(group, from, to, e.getNack());
            case CATCH_UP_REQUEST: {
                CatchUpRequestPb m = e.getCatchUpRequest();
                return new Message.CatchUpRequest(group, from, to, slotBound(m.getFromSlot(), "catch-up from"),
                        slotBound(m.getToSlot(), "catch-up to"));
            }
            case CATCH_UP_REPLY: {
                List<ChosenEntry> chosen = new ArrayList<>(e.getCatchUpReply().getChosenCount());
                for (ChosenEntryPb entry : e.getCatchUpReply().getChosenList()) {
                    chosen.add(ProtoValues.chosen(entry, "catch-up entry"));
                }
                return new Message.CatchUpReply(group, from, to, chosen,
                        slotBound(e.getCatchUpReply().getSnapshotSlot(), "catch-up snapshot slot"));
            }
            case FORWARD:
                return new Message.Forward(group, from, to, ProtoValues.command(e.getForward().getCommand()),
                        e.getForward().getAttempt());
            case FORWARD_REJECTED:
                return forwardRejected(group, from, to, e.getForwardRejected());
            case BATCH:
                return batch(group, from, to, e.getBatch());
            case READ_INDEX_REQUEST:
                return new Message.ReadIndexRequest(group, from, to, e.getReadIndexRequest().getReadId());
            case READ_INDEX_REPLY: {
                io.synod.core.codec.proto.ReadIndexReplyPb m = e.getReadIndexReply();
                if (m.getLeaderHint() < 0) {
                    throw new CodecException("read index reply leader hint " + Integer.toUnsignedString(m.getLeaderHint())
                            + " is out of range");
                }
                return new Message.ReadIndexReply(group, from, to, m.getReadId(), m.getConfirmed(),
                        slotBound(m.getIndex(), "read index"), m.getLeaderHint());
            }
            case SNAPSHOT_REQUEST:
                return new Message.SnapshotRequest(group, from, to,
                        slotBound(e.getSnapshotRequest().getSlotAtLeast(), "snapshot request slot"),
                        slotBound(e.getSnapshotRequest().getOffset(), "snapshot request offset"));
            case SNAPSHOT_CHUNK: {
                SnapshotChunkPb m = e.getSnapshotChunk();
                long offset = slotBound(m.getOffset(), "snapshot chunk offset");
                long total = slotBound(m.getTotalBytes(), "snapshot size");
                if (offset + m.getData().size() > total) {
                    throw new CodecException("snapshot chunk at offset " + offset + " of " + m.getData().size()
                            + " bytes runs past the snapshot's " + total + " bytes");
                }
                return new Message.SnapshotChunk(group, from, to, slotBound(m.getSlot(), "snapshot slot"), total,
                        m.getCrc32C(), offset, m.getData().toByteArray());
            }
            default:
                throw new CodecException("envelope from node " + from + " has no message body this version knows"
                        + " (field numbers " + e.getUnknownFields().asMap().keySet() + ")");
        }
    }

    private static Message.Batch batch(long group, int from, int to, BatchPb batch) throws CodecException {
        List<Message> messages = new ArrayList<>(batch.getMessagesCount());
        for (Envelope inner : batch.getMessagesList()) {
            if (inner.getBodyCase() == Envelope.BodyCase.BATCH) {
                throw new CodecException("a batch from node " + from + " holds another batch");
            }
            Message m = decode(inner);
            if (m.from() != from || m.to() != to) {
                throw new CodecException("a batch from node " + from + " to node " + to + " holds a message from node "
                        + m.from() + " to node " + m.to());
            }
            messages.add(m);
        }
        return new Message.Batch(group, from, to, messages);
    }

    private static Message.ForwardRejected forwardRejected(long group, int from, int to, ForwardRejectedPb m)
            throws CodecException {
        Rejection.Reason reason;
        switch (m.getReason()) {
            case REJECTION_REASON_NOT_LEADER -> reason = Rejection.Reason.NOT_LEADER;
            case REJECTION_REASON_OVERLOADED -> reason = Rejection.Reason.OVERLOADED;
            case REJECTION_REASON_MEMBERSHIP_CHANGE_REFUSED -> reason = Rejection.Reason.MEMBERSHIP_CHANGE_REFUSED;
            default -> throw new CodecException("forward rejection with unknown reason " + m.getReasonValue());
        }
        if (m.getLeaderHint() < 0) {
            throw new CodecException("forward rejection leader hint " + Integer.toUnsignedString(m.getLeaderHint())
                    + " is out of range");
        }
        return new Message.ForwardRejected(group, from, to, m.getCommandId(), m.getAttempt(), reason, m.getLeaderHint());
    }

    private static Message.Nack nack(long group, int from, int to, NackPb m) throws CodecException {
        Message.NackReason reason;
        switch (m.getReason()) {
            case NACK_REASON_PROMISED_HIGHER -> reason = Message.NackReason.PROMISED_HIGHER;
            case NACK_REASON_LEADER_ALIVE -> reason = Message.NackReason.LEADER_ALIVE;
            default -> throw new CodecException("nack with unknown reason " + m.getReasonValue());
        }
        return new Message.Nack(group, from, to, ballot(m.getBallot(), "nack"), ballot(m.getPromised(), "nack promise"), reason);
    }
}
