package io.synod.core.protocol;

/**
 * A change to a replica's durable state, emitted by the protocol as data. Storage writes records
 * in the order given and reports them durable with {@link Replica#persisted(long)}; the replies
 * that depend on them are held inside the protocol until then.
 */
public sealed interface JournalRecord {

    long groupId();

    /** The acceptor promised not to accept anything below {@code ballot}. */
    record PromisedBallot(long groupId, Ballot ballot) implements JournalRecord {
    }

    /** The acceptor voted for {@code value} in {@code slot} at {@code ballot} (implies a promise of {@code ballot}). */
    record AcceptedValue(long groupId, long slot, Ballot ballot, Value value) implements JournalRecord {
    }

    /** The replica learned that {@code value} is chosen for {@code slot}. */
    record ChosenValue(long groupId, long slot, Value value) implements JournalRecord {
    }
}
