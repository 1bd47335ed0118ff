package io.synod.core.protocol;

import java.util.List;

/**
 * Everything replicas of one group say to each other. Every message names its group, so one
 * transport can carry many groups; and its sender and receiver, so the protocol never trusts the
 * transport to say who spoke.
 */
public sealed interface Message {

    long groupId();

    int from();

    int to();

    /** Rejection reasons carried by {@link Nack}. */
    enum NackReason {
        /** The acceptor has promised a higher ballot; {@code promised} says which. */
        PROMISED_HIGHER,
        /** The acceptor heard from a live leader within its election timeout and will not help depose it. */
        LEADER_ALIVE
    }

    /**
     * "Would you promise {@code ballot} if I asked?" Sent before a real prepare, changes no state:
     * a replica that was cut off cannot raise everyone's promises (and so depose a healthy leader)
     * unless a phase-1 quorum agrees that no leader is alive.
     */
    record PreVote(long groupId, int from, int to, Ballot ballot) implements Message {
    }

    record PreVoteReply(long groupId, int from, int to, Ballot ballot, boolean granted, Ballot promised)
            implements Message {
    }

    /**
     * Phase 1a for every slot from {@code fromSlot} onwards. {@code leaderTransfer}: the leader handed
     * leadership to the sender (see {@link TimeoutNow}), so a replica that still hears that leader
     * promises anyway.
     */
    record Prepare(long groupId, int from, int to, Ballot ballot, long fromSlot, boolean leaderTransfer) implements Message {
        /** An ordinary prepare (no leadership transfer). */
        public Prepare(long groupId, int from, int to, Ballot ballot, long fromSlot) {
            this(groupId, from, to, ballot, fromSlot, false);
        }
    }

    /**
     * The leader of {@code ballot} hands leadership to the receiver, which has caught up with every
     * chosen slot: campaign now, without waiting for an election timeout. The sender has already
     * stopped leading (and serving lease reads).
     */
    record TimeoutNow(long groupId, int from, int to, Ballot ballot) implements Message {
    }

    /**
     * Phase 1b: a durable promise, with every vote the acceptor still holds for slots at or after
     * {@code fromSlot}. Votes up to {@code compactedThrough} were dropped (those slots are chosen and
     * in a snapshot): a candidate whose {@code fromSlot} is not above it cannot recover them from
     * votes and must install that snapshot before it may lead. Votes up to {@code evictedThrough}
     * left the acceptor's memory (those slots are chosen and applied there; its journal still has
     * them): a candidate whose {@code fromSlot} is not above it is far behind, and must catch up on
     * those slots before it may lead rather than take their absence for holes.
     */
    record Promise(long groupId, int from, int to, Ballot ballot, long fromSlot, List<AcceptedEntry> accepted,
                   long compactedThrough, long evictedThrough)
            implements Message {
        public Promise {
            accepted = List.copyOf(accepted);
        }
    }

    /**
     * Phase 2a for one slot. {@code commitUpTo} is the leader's first unchosen slot: every slot
     * below it is chosen, and (see {@link Replica}) a follower whose vote for such a slot has this
     * same ballot knows its vote is the chosen value.
     */
    record Accept(long groupId, int from, int to, Ballot ballot, long slot, Value value, long commitUpTo)
            implements Message {
    }

    /** Phase 2b: a durable vote for {@code slot} at {@code ballot}. */
    record Accepted(long groupId, int from, int to, Ballot ballot, long slot) implements Message {
    }

    /**
     * Leader liveness and commit point; never waits behind a disk sync. {@code readRound} numbers
     * the leader's heartbeat broadcasts: a reply echoing it shows the follower still accepted this
     * leader's ballot after the broadcast was sent, which is what confirms reads (see
     * {@code LeaderReads}).
     */
    record Heartbeat(long groupId, int from, int to, Ballot ballot, long commitUpTo, long readRound)
            implements Message {
    }

    /**
     * A follower's answer to a heartbeat. {@code highestVotedSlot} lets the leader decide slots
     * that hold only stale votes beyond its log (see {@link Replica}); {@code readRound} echoes the
     * heartbeat's.
     */
    record HeartbeatReply(long groupId, int from, int to, Ballot ballot, long firstUnchosenSlot, long highestVotedSlot,
                          long readRound) implements Message {
    }

    /** A follower asks the leader for a read index on behalf of its caller's read {@code readId}. */
    record ReadIndexRequest(long groupId, int from, int to, long readId) implements Message {
    }

    /**
     * The leader's answer: with {@code confirmed}, reading state that includes every slot up to
     * {@code index} is linearizable for the read; otherwise the node is not (or no longer) the leader,
     * and {@code leaderHint} names the one it believes in (0: none known).
     */
    record ReadIndexReply(long groupId, int from, int to, long readId, boolean confirmed, long index, int leaderHint)
            implements Message {
    }

    /** A refusal of {@code ballot}; {@code promised} is the acceptor's promise at the time. */
    record Nack(long groupId, int from, int to, Ballot ballot, Ballot promised, NackReason reason)
            implements Message {
    }

    /** A lagging replica asks for chosen values in {@code [fromSlot, toSlot)}. */
    record CatchUpRequest(long groupId, int from, int to, long fromSlot, long toSlot) implements Message {
    }

    /**
     * A follower hands a client's command to the leader. There is no success reply: the follower
     * learns the outcome by applying its own copy of the log, where the command shows up once chosen.
     *
     * @param attempt names this hand-over among all of the follower's forwards of the command, so a
     *                refusal of an earlier one (delayed or duplicated) is never taken for a refusal of
     *                this one, which may be in a slot by then
     */
    record Forward(long groupId, int from, int to, Command command, long attempt) implements Message {
    }

    /**
     * The leader refused a forwarded command before giving it a slot: that attempt certainly had no
     * effect. {@code attempt} is the refused {@link Forward}'s.
     */
    record ForwardRejected(long groupId, int from, int to, long commandId, long attempt, Rejection.Reason reason,
                           int leaderHint) implements Message {
    }

    /**
     * Several messages from one node to another, of any groups, sent as one: the runtime coalesces
     * the heartbeats (and replies) of all groups between two nodes. {@code groupId} is not used;
     * every inner message names its own group. Never nested; never handed to a {@link Replica}.
     */
    record Batch(long groupId, int from, int to, List<Message> messages) implements Message {
        public Batch {
            messages = List.copyOf(messages);
            for (Message m : messages) {
                if (m instanceof Batch || m.from() != from || m.to() != to) {
                    throw new IllegalArgumentException("a batch from node " + from + " to node " + to
                            + " may only hold non-batch messages between the same two nodes, not " + m);
                }
            }
        }
    }

    /**
     * A replica that must install a snapshot asks for the next chunk of one covering at least
     * {@code slotAtLeast}, from {@code offset}. Handled by the runtime, never by a {@link Replica}.
     */
    record SnapshotRequest(long groupId, int from, int to, long slotAtLeast, long offset) implements Message {
    }

    /**
     * Bytes {@code [offset, offset + data.length)} of the sender's snapshot covering slots up to
     * {@code slot}, of {@code totalBytes} bytes with CRC32C {@code crc32c}; {@code slot} 0 means the
     * sender has no snapshot covering {@code slotAtLeast}. Handled by the runtime.
     */
    record SnapshotChunk(long groupId, int from, int to, long slot, long totalBytes, int crc32c, long offset, byte[] data)
            implements Message {
        public SnapshotChunk {
            data = data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SnapshotChunk c && groupId == c.groupId && from == c.from && to == c.to && slot == c.slot
                    && totalBytes == c.totalBytes && crc32c == c.crc32c && offset == c.offset
                    && java.util.Arrays.equals(data, c.data);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(groupId, from, to, slot, offset) * 31 + java.util.Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "SnapshotChunk[group=" + groupId + ", " + from + "->" + to + ", slot=" + slot + ", offset=" + offset
                    + ", " + data.length + " of " + totalBytes + " bytes]";
        }
    }

    /**
     * Chosen values the sender knows, in slot order. {@code snapshotSlot} > 0 says the sender no
     * longer keeps the slots asked for: they are in its snapshot, which the requester must install.
     */
    record CatchUpReply(long groupId, int from, int to, List<ChosenEntry> chosen, long snapshotSlot) implements Message {
        public CatchUpReply {
            chosen = List.copyOf(chosen);
        }
    }
}
