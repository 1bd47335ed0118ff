package io.synod.core.protocol;

import io.synod.core.invariant.Invariants;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The acceptor role of one replica: its promise and its votes. Every change is written to the
 * journal, and the reply that reports it is held until the write is durable, because a promise
 * forgotten in a crash could let two different values be chosen.
 */
final class Acceptor {
    private final long groupId;
    private final int self;
    private final SafetyRules rules;
    private Ballot promised;
    private final TreeMap<Long, AcceptedEntry> votes = new TreeMap<>();
    /** Votes up to here were dropped: those slots are chosen and covered by a snapshot. */
    private long compactedThrough;
    /**
     * Votes up to here left memory: those slots are chosen and applied here, and the journal still has
     * the votes. A promise says so, since it cannot report them (see {@link Message.Promise}).
     */
    private long evictedThrough;

    Acceptor(ProtocolConfig config, DurableState recovered, SafetyRules rules) {
        this.groupId = config.groupId();
        this.self = config.nodeId();
        this.rules = rules;
        this.promised = recovered.promised();
        this.compactedThrough = recovered.snapshotSlot();
        this.votes.putAll(recovered.accepted().tailMap(compactedThrough, false));
    }

    long compactedThrough() {
        return compactedThrough;
    }

    /** Drops votes up to {@code slot}: chosen slots a snapshot now covers. */
    void compact(long slot) {
        if (slot > compactedThrough) {
            votes.headMap(slot, true).clear();
            compactedThrough = slot;
        }
    }

    /** Drops votes up to {@code slot} from memory: chosen slots this replica has applied (see {@link Learner}). */
    void evict(long slot) {
        if (slot > evictedThrough) {
            Map.Entry<Long, AcceptedEntry> oldest;
            while ((oldest = votes.firstEntry()) != null && oldest.getKey() <= slot) {
                votes.pollFirstEntry();
            }
            evictedThrough = slot;
        }
    }

    Ballot promised() {
        return promised;
    }

    /** The highest slot this acceptor has voted in, or 0. */
    long highestVotedSlot() {
        return votes.isEmpty() ? 0 : votes.lastKey();
    }

    /** This acceptor's vote for {@code slot}, or null. */
    AcceptedEntry vote(long slot) {
        return votes.get(slot);
    }

    /** Phase 1b: promise {@code prepare.ballot} unless a higher ballot was promised. */
    void onPrepare(Message.Prepare prepare, Outbox out) {
        if (!prepare.ballot().isAtLeast(promised)) {
            out.send(nack(prepare.from(), prepare.ballot(), Message.NackReason.PROMISED_HIGHER));
            return;
        }
        if (prepare.ballot().isAbove(promised)) {
            promised = prepare.ballot();
            out.persist(new JournalRecord.PromisedBallot(groupId, promised));
        }
        reply(out, new Message.Promise(groupId, self, prepare.from(), prepare.ballot(), prepare.fromSlot(),
                votesFrom(prepare.fromSlot()), compactedThrough, evictedThrough));
    }

    /** Phase 2b: vote for {@code accept.value} unless a higher ballot was promised. Returns whether it voted. */
    boolean onAccept(Message.Accept accept, Outbox out) {
        Ballot ballot = accept.ballot();
        if (!rules.acceptorAdmits(ballot, promised)) {
            out.send(nack(accept.from(), ballot, Message.NackReason.PROMISED_HIGHER));
            return false;
        }
        AcceptedEntry previous = votes.get(accept.slot());
        if (previous != null && previous.ballot().equals(ballot)) {
            // A retransmission: same ballot, so it must be the same value (ballots are never reused).
            Invariants.check(previous.value().equals(accept.value()),
                    "group %d slot %d: ballot %s carried two values: voted %s, now asked to vote %s",
                    groupId, accept.slot(), ballot, previous.value(), accept.value());
        } else {
            votes.put(accept.slot(), new AcceptedEntry(accept.slot(), ballot, accept.value()));
            out.persist(new JournalRecord.AcceptedValue(groupId, accept.slot(), ballot, accept.value()));
        }
        promised = Ballot.max(promised, ballot);
        reply(out, new Message.Accepted(groupId, self, accept.from(), ballot, accept.slot()));
        return true;
    }

    Message.Nack nack(int to, Ballot rejected, Message.NackReason reason) {
        return new Message.Nack(groupId, self, to, rejected, promised, reason);
    }

    private void reply(Outbox out, Message reply) {
        if (rules.repliesWaitForDurability()) {
            out.sendWhenDurable(reply);
        } else {
            out.send(reply);
        }
    }

    private List<AcceptedEntry> votesFrom(long fromSlot) {
        List<AcceptedEntry> result = new ArrayList<>();
        for (Map.Entry<Long, AcceptedEntry> vote : votes.tailMap(fromSlot, true).entrySet()) {
            result.add(vote.getValue());
        }
        return result;
    }
}
