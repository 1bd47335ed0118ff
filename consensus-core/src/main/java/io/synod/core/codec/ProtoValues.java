package io.synod.core.codec;

import io.synod.core.codec.proto.AcceptedEntryPb;
import io.synod.core.codec.proto.BallotPb;
import io.synod.core.codec.proto.ChosenEntryPb;
import io.synod.core.codec.proto.CommandPb;
import io.synod.core.codec.proto.ValuePb;
import io.synod.core.protocol.AcceptedEntry;
import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.ChosenEntry;
import io.synod.core.protocol.Command;
import io.synod.core.protocol.Value;

import com.google.protobuf.UnsafeByteOperations;

import java.util.ArrayList;
import java.util.List;

/**
 * Conversions of the shared value types (ballots, commands, slot values, entries) between protocol
 * records and protobuf, used by both {@link MessageCodec} and {@link JournalCodec}. Decoding
 * validates: a value that protobuf accepts but the protocol cannot (a node id above 2^31, a
 * ballot of round 0 with an owner, an empty batch) is a {@link CodecException}.
 */
final class ProtoValues {
    private ProtoValues() {
    }

    static BallotPb ballot(Ballot ballot) {
        return BallotPb.newBuilder().setRound(ballot.round()).setNodeId(ballot.nodeId()).build();
    }

    static Ballot ballot(BallotPb pb, String field) throws CodecException {
        return ballot(pb.getRound(), pb.getNodeId(), field);
    }

    static Ballot ballot(long round, int nodeId, String field) throws CodecException {
        if (round < 0 || nodeId < 0) {
            throw new CodecException(field + ": ballot " + Long.toUnsignedString(round) + "."
                    + Integer.toUnsignedString(nodeId) + " is out of range");
        }
        try {
            return new Ballot(round, nodeId);
        } catch (IllegalArgumentException e) {
            throw new CodecException(field + ": " + e.getMessage(), e);
        }
    }

    static CommandPb command(Command command) {
        // A command's payload never changes: serialize straight from it, without a copy.
        return CommandPb.newBuilder().setId(command.id())
                .setPayload(UnsafeByteOperations.unsafeWrap(command.payloadView())).build();
    }

    static Command command(CommandPb pb) {
        // The one copy: the received buffer is released after decoding.
        return Command.ofOwned(pb.getId(), pb.getPayload().toByteArray());
    }

    static ValuePb value(Value value) {
        ValuePb.Builder b = ValuePb.newBuilder();
        if (value instanceof Value.Batch batch) {
            for (Command command : batch.commands()) {
                b.addCommands(command(command));
            }
        } else if (value instanceof Value.Reconfigure change) {
            b.setReconfigure(reconfigure(change));
        } else {
            b.setNoop(true);
        }
        return b.build();
    }

    static io.synod.core.codec.proto.ReconfigurePb reconfigure(Value.Reconfigure change) {
        return io.synod.core.codec.proto.ReconfigurePb.newBuilder().setRequestId(change.requestId())
                .setExpectedEpoch(change.expectedEpoch()).addAllVoters(change.voters()).addAllLearners(change.learners())
                .putAllAddresses(change.addresses()).build();
    }

    static Value.Reconfigure reconfigure(io.synod.core.codec.proto.ReconfigurePb pb, String field) throws CodecException {
        for (int id : pb.getVotersList()) {
            nodeId(id, field + " membership change voter");
        }
        for (int id : pb.getLearnersList()) {
            nodeId(id, field + " membership change learner");
        }
        for (int id : pb.getAddressesMap().keySet()) {
            nodeId(id, field + " membership change address of");
        }
        return new Value.Reconfigure(pb.getRequestId(), pb.getExpectedEpoch(), new java.util.TreeSet<>(pb.getVotersList()),
                new java.util.TreeSet<>(pb.getLearnersList()), pb.getAddressesMap());
    }

    static Value value(ValuePb pb, String field) throws CodecException {
        if (pb.hasReconfigure()) {
            if (pb.getNoop() || pb.getCommandsCount() != 0) {
                throw new CodecException(field + ": a membership change also carries a no-op flag or commands");
            }
            return reconfigure(pb.getReconfigure(), field);
        }
        if (pb.getNoop()) {
            if (pb.getCommandsCount() != 0) {
                throw new CodecException(field + ": a no-op carries " + pb.getCommandsCount() + " commands");
            }
            return Value.NOOP;
        }
        if (pb.getCommandsCount() == 0) {
            throw new CodecException(field + ": a batch with no commands (a no-op must say noop)");
        }
        List<Command> commands = new ArrayList<>(pb.getCommandsCount());
        for (CommandPb command : pb.getCommandsList()) {
            commands.add(command(command));
        }
        return new Value.Batch(commands);
    }

    static AcceptedEntryPb accepted(AcceptedEntry entry) {
        return AcceptedEntryPb.newBuilder().setSlot(entry.slot()).setBallot(ballot(entry.ballot()))
                .setValue(value(entry.value())).build();
    }

    static AcceptedEntry accepted(AcceptedEntryPb pb, String field) throws CodecException {
        return new AcceptedEntry(slot(pb.getSlot(), field), ballot(pb.getBallot(), field), value(pb.getValue(), field));
    }

    static ChosenEntryPb chosen(ChosenEntry entry) {
        return ChosenEntryPb.newBuilder().setSlot(entry.slot()).setValue(value(entry.value())).build();
    }

    static ChosenEntry chosen(ChosenEntryPb pb, String field) throws CodecException {
        return new ChosenEntry(slot(pb.getSlot(), field), value(pb.getValue(), field));
    }

    /** Slots start at 1. */
    static long slot(long slot, String field) throws CodecException {
        if (slot < 1) {
            throw new CodecException(field + ": slot " + Long.toUnsignedString(slot) + " is out of range (slots start at 1)");
        }
        return slot;
    }

    /** Slot bounds such as a catch-up range or a commit point, which may be 0 but not negative. */
    static long slotBound(long slot, String field) throws CodecException {
        if (slot < 0) {
            throw new CodecException(field + ": " + Long.toUnsignedString(slot) + " is out of range");
        }
        return slot;
    }

    static long groupId(long groupId) throws CodecException {
        if (groupId < 0) {
            throw new CodecException("group id " + Long.toUnsignedString(groupId) + " is out of range");
        }
        return groupId;
    }

    static int nodeId(int nodeId, String field) throws CodecException {
        if (nodeId <= 0) {
            throw new CodecException(field + " node id " + Integer.toUnsignedString(nodeId) + " is out of range (1 to 2^31-1)");
        }
        return nodeId;
    }
}
