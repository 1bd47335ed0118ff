package io.synod.core.api;

/**
 * Receives Synod's measurements as they happen, to feed the host's metrics system (Micrometer,
 * Prometheus, Dropwizard...) without Synod depending on one. Every method has an empty default;
 * implement what you need.
 *
 * <p>Called from Synod's threads (consensus, apply, storage); implementations must be thread-safe
 * and fast, and must not block or throw.
 */
public interface MetricsListener {

    /** This node saw the leader of {@code groupId} change to {@code leaderId} (0: none known). */
    default void leaderChanged(long groupId, int leaderId) {
    }

    /** A proposal of this node was chosen ({@code commitNanos} after propose) and applied ({@code applyNanos} after propose). */
    default void proposalApplied(long groupId, int commandBytes, long commitNanos, long applyNanos) {
    }

    /** A proposal of this node failed; {@code reason} is the exception's simple class name. */
    default void proposalFailed(long groupId, String reason) {
    }

    /** One journal append of {@code records} records became durable {@code syncNanos} after it was issued. */
    default void journalSynced(long groupId, int records, long syncNanos) {
    }

    /** {@code bytes} of commands were chosen in {@code groupId} (counted on every replica). */
    default void bytesChosen(long groupId, long bytes) {
    }

    /** This node's snapshot of {@code groupId} through {@code slot} ({@code bytes} long) became durable; the log behind it is truncated. */
    default void snapshotTaken(long groupId, long slot, long bytes, long writeNanos) {
    }

    /**
     * This node received and stored another replica's snapshot of {@code groupId} through
     * {@code slot} ({@code bytes} long), {@code transferNanos} after the transfer began; it is
     * restored into the state machine next.
     */
    default void snapshotInstalled(long groupId, long slot, long bytes, long transferNanos) {
    }

    /** An inbound message was dropped (queue full, unknown group); {@code reason} says which. */
    default void messageDropped(String reason) {
    }
}
