package io.synod.core.protocol;

/** An acceptor's vote: it accepted {@code value} for {@code slot} at {@code ballot}. */
public record AcceptedEntry(long slot, Ballot ballot, Value value) {
}
