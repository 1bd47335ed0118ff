package io.synod.core.api;

/**
 * How fresh a {@link ReplicatedGroup#read} must be. None of them writes to the log.
 */
public enum ReadConsistency {
    /**
     * Linearizable through a read index: the leader confirms with a quorum that it still leads
     * (one round of heartbeats, shared by all reads waiting at that moment), and the read runs once
     * this node has applied everything chosen before it began. Sees every write acknowledged before
     * the read was called, on any node. Safe under any clock behaviour. Costs one round trip to a
     * quorum (plus one to the leader on a follower).
     */
    LINEARIZABLE,

    /**
     * Linearizable while the leader's lease holds, served by the leader from its own state at once
     * (no round trip); where no lease holds — on a follower, or on a leader that has not heard
     * from a quorum within the lease — it falls back to {@link #LINEARIZABLE}. Safe only while no
     * two nodes' clocks run at rates further apart than {@link SynodOptions#maxClockDrift()}
     * allows; see {@code docs/protocol.md}.
     */
    LEASE,

    /**
     * This node's state as it is, at once, on any node: may miss writes acknowledged elsewhere
     * (and, after a leader change, even writes acknowledged by this node's own clients through
     * another node). Never goes backwards on one node. To bound the staleness, use
     * {@link ReplicatedGroup#readAtLeast}.
     */
    STALE
}
