package io.synod.core.protocol;

/**
 * A change to a replica's durable state, emitted by the protocol as data. Storage writes records
 * in the order given and reports them durable with {@link Replica#persisted(long)}; the replies
 * that depend on them are held inside the protocol until then.
 */
public sealed interface JournalRecord {

    long groupId();

    /**
     * Whether storage must sync this record before acknowledging it. Promises and votes: yes, they
     * are what the acceptor promised. A chosen value: no, a quorum's synced votes already guarantee
     * it and a replica that loses the record relearns it (see {@code Storage}'s class comment).
     */
    default boolean needsSync() {
        return true;
    }

    /** The acceptor promised not to accept anything below {@code ballot}. */
    record PromisedBallot(long groupId, Ballot ballot) implements JournalRecord {
    }

    /** The acceptor voted for {@code value} in {@code slot} at {@code ballot} (implies a promise of {@code ballot}). */
    record AcceptedValue(long groupId, long slot, Ballot ballot, Value value) implements JournalRecord {
    }

    /** The replica learned that {@code value} is chosen for {@code slot}. */
    record ChosenValue(long groupId, long slot, Value value) implements JournalRecord {
        @Override
        public boolean needsSync() {
            return false;
        }
    }
}
