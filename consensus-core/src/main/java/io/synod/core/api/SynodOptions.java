package io.synod.core.api;

/**
 * Tunables of a {@link SynodNode}, with safe defaults for a LAN deployment. Immutable; build with
 * {@link #builder()}, which validates every value once and says what to change.
 *
 * <p>Time-based settings are in milliseconds and rounded up to whole ticks of {@link #tickMillis()}.
 */
public final class SynodOptions {
    private final int tickMillis;
    private final int heartbeatIntervalMillis;
    private final int electionTimeoutMillis;
    private final int maxElectionBackoffMillis;
    private final int retransmitMillis;
    private final int pipelineWindow;
    private final int maxBatchCommands;
    private final int maxBatchBytes;
    private final int maxCommandBytes;
    private final int maxPendingProposals;
    private final long maxPendingBytes;
    private final long maxApplyBacklogBytes;
    private final int maxQueuedEvents;
    private final long proposalTimeoutMillis;
    private final boolean forwardToLeader;
    private final int consensusThreads;
    private final int applyThreads;
    private final boolean registerJmx;
    private final long snapshotEveryEntries;
    private final long snapshotEveryBytes;
    private final int retainedAppliedSlots;
    private final int snapshotChunkBytes;
    private final long snapshotTransferBytesPerSecond;
    private final double maxClockDrift;
    private final long readTimeoutMillis;
    private final long maxPromotionLagSlots;

    private SynodOptions(Builder b) {
        this.tickMillis = b.tickMillis;
        this.heartbeatIntervalMillis = b.heartbeatIntervalMillis;
        this.electionTimeoutMillis = b.electionTimeoutMillis;
        this.maxElectionBackoffMillis = b.maxElectionBackoffMillis;
        this.retransmitMillis = b.retransmitMillis;
        this.pipelineWindow = b.pipelineWindow;
        this.maxBatchCommands = b.maxBatchCommands;
        this.maxBatchBytes = b.maxBatchBytes;
        this.maxCommandBytes = b.maxCommandBytes;
        this.maxPendingProposals = b.maxPendingProposals;
        this.maxPendingBytes = b.maxPendingBytes;
        this.maxApplyBacklogBytes = b.maxApplyBacklogBytes;
        this.maxQueuedEvents = b.maxQueuedEvents;
        this.proposalTimeoutMillis = b.proposalTimeoutMillis;
        this.forwardToLeader = b.forwardToLeader;
        this.consensusThreads = b.consensusThreads;
        this.applyThreads = b.applyThreads;
        this.registerJmx = b.registerJmx;
        this.snapshotEveryEntries = b.snapshotEveryEntries;
        this.snapshotEveryBytes = b.snapshotEveryBytes;
        this.retainedAppliedSlots = b.retainedAppliedSlots;
        this.snapshotChunkBytes = b.snapshotChunkBytes;
        this.snapshotTransferBytesPerSecond = b.snapshotTransferBytesPerSecond;
        this.maxClockDrift = b.maxClockDrift;
        this.readTimeoutMillis = b.readTimeoutMillis;
        this.maxPromotionLagSlots = b.maxPromotionLagSlots;
    }

    public static SynodOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Length of one protocol tick: the resolution of every timer. */
    public int tickMillis() {
        return tickMillis;
    }

    public int heartbeatIntervalMillis() {
        return heartbeatIntervalMillis;
    }

    /** A follower campaigns after hearing from no leader for a random time in [timeout, 2 × timeout). */
    public int electionTimeoutMillis() {
        return electionTimeoutMillis;
    }

    public int maxElectionBackoffMillis() {
        return maxElectionBackoffMillis;
    }

    public int retransmitMillis() {
        return retransmitMillis;
    }

    public int pipelineWindow() {
        return pipelineWindow;
    }

    public int maxBatchCommands() {
        return maxBatchCommands;
    }

    public int maxBatchBytes() {
        return maxBatchBytes;
    }

    public int maxCommandBytes() {
        return maxCommandBytes;
    }

    /** Most proposals of this node waiting for an outcome, over all groups. */
    public int maxPendingProposals() {
        return maxPendingProposals;
    }

    /** Most command bytes of this node waiting for an outcome, over all groups. */
    public long maxPendingBytes() {
        return maxPendingBytes;
    }

    /** Most bytes chosen but not yet applied, over all groups; beyond it new proposals are refused. */
    public long maxApplyBacklogBytes() {
        return maxApplyBacklogBytes;
    }

    /** Most inputs (messages, proposals) queued for the consensus threads; beyond it messages are dropped and proposals refused. */
    public int maxQueuedEvents() {
        return maxQueuedEvents;
    }

    public long proposalTimeoutMillis() {
        return proposalTimeoutMillis;
    }

    /** Whether a follower forwards proposals to the leader (else they fail with {@link NotLeaderException}). */
    public boolean forwardToLeader() {
        return forwardToLeader;
    }

    /** Threads stepping the groups' protocol; each group is pinned to one. */
    public int consensusThreads() {
        return consensusThreads;
    }

    /** Threads applying commands to the state machines; each group applies on one at a time. */
    public int applyThreads() {
        return applyThreads;
    }

    public boolean registerJmx() {
        return registerJmx;
    }

    /** A snapshot is taken after this many log entries since the last one (if the state machine takes snapshots). */
    public long snapshotEveryEntries() {
        return snapshotEveryEntries;
    }

    /** ... or after this many command bytes since the last one, whichever comes first. */
    public long snapshotEveryBytes() {
        return snapshotEveryBytes;
    }

    /**
     * How many of the most recently applied log entries each group keeps in memory (4,096 by default).
     * Older entries are read back from storage when a lagging replica asks for them, so the heap holds
     * a bounded window of the log between snapshots instead of everything since the last one; a smaller
     * window means a smaller live set for the garbage collector to copy, a larger one serves more
     * catch-up requests without a storage read.
     */
    public int retainedAppliedSlots() {
        return retainedAppliedSlots;
    }

    /** Snapshots travel to lagging replicas in chunks of this size, one chunk in flight at a time. */
    public int snapshotChunkBytes() {
        return snapshotChunkBytes;
    }

    /** Bandwidth a replica installing a snapshot may use (0: unlimited). */
    public long snapshotTransferBytesPerSecond() {
        return snapshotTransferBytesPerSecond;
    }

    /**
     * The assumed bound on clock drift for {@link ReadConsistency#LEASE} reads: while any two nodes'
     * monotonic clocks measure the same interval, neither measures more than {@code 1 + maxClockDrift}
     * times the other. The leader's lease is {@code (electionTimeout - 2 ticks) / (1 + maxClockDrift)}
     * long, so a larger bound means a shorter lease (more reads fall back to a quorum round), never
     * a less safe one. Default 0.1: ordinary crystal oscillators and NTP slewing stay far inside it;
     * a VM that can be paused or migrated without its monotonic clock advancing does not.
     */
    public double maxClockDrift() {
        return maxClockDrift;
    }

    /** How long a {@link ReplicatedGroup#read} may wait for a leader's confirmation or for applies. */
    public long readTimeoutMillis() {
        return readTimeoutMillis;
    }

    /**
     * {@link GroupAdmin#promote} makes a learner a voter only if its log is at most this many slots
     * behind the leader's commit point: a voter far behind would count towards quorums without
     * being able to accept new slots until it caught up.
     */
    public long maxPromotionLagSlots() {
        return maxPromotionLagSlots;
    }

    /** {@code millis} in whole ticks, rounded up. */
    public int ticks(long millis) {
        return (int) Math.max(1, (millis + tickMillis - 1) / tickMillis);
    }

    public static final class Builder {
        private int tickMillis = 10;
        private int heartbeatIntervalMillis = 50;
        private int electionTimeoutMillis = 500;
        private int maxElectionBackoffMillis = 4_000;
        private int retransmitMillis = 100;
        private int pipelineWindow = 64;
        private int maxBatchCommands = 1024;
        private int maxBatchBytes = 1 << 20;
        private int maxCommandBytes = 1 << 20;
        private int maxPendingProposals = 20_000;
        private long maxPendingBytes = 64L << 20;
        private long maxApplyBacklogBytes = 64L << 20;
        private int maxQueuedEvents = 100_000;
        private long proposalTimeoutMillis = 30_000;
        private boolean forwardToLeader = true;
        private int consensusThreads = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
        private int applyThreads = 2;
        private boolean registerJmx = true;
        private long snapshotEveryEntries = 100_000;
        private long snapshotEveryBytes = 256L << 20;
        private int retainedAppliedSlots = 4_096;
        private int snapshotChunkBytes = 1 << 20;
        private long snapshotTransferBytesPerSecond = 64L << 20;
        private double maxClockDrift = 0.1;
        private long readTimeoutMillis = 5_000;
        private long maxPromotionLagSlots = 100;

        private Builder() {
        }

        public Builder tickMillis(int v) { tickMillis = v; return this; }
        public Builder heartbeatIntervalMillis(int v) { heartbeatIntervalMillis = v; return this; }
        public Builder electionTimeoutMillis(int v) { electionTimeoutMillis = v; return this; }
        public Builder maxElectionBackoffMillis(int v) { maxElectionBackoffMillis = v; return this; }
        public Builder retransmitMillis(int v) { retransmitMillis = v; return this; }
        public Builder pipelineWindow(int v) { pipelineWindow = v; return this; }
        public Builder maxBatchCommands(int v) { maxBatchCommands = v; return this; }
        public Builder maxBatchBytes(int v) { maxBatchBytes = v; return this; }
        public Builder maxCommandBytes(int v) { maxCommandBytes = v; return this; }
        public Builder maxPendingProposals(int v) { maxPendingProposals = v; return this; }
        public Builder maxPendingBytes(long v) { maxPendingBytes = v; return this; }
        public Builder maxApplyBacklogBytes(long v) { maxApplyBacklogBytes = v; return this; }
        public Builder maxQueuedEvents(int v) { maxQueuedEvents = v; return this; }
        public Builder proposalTimeoutMillis(long v) { proposalTimeoutMillis = v; return this; }
        public Builder forwardToLeader(boolean v) { forwardToLeader = v; return this; }
        public Builder consensusThreads(int v) { consensusThreads = v; return this; }
        public Builder applyThreads(int v) { applyThreads = v; return this; }
        public Builder registerJmx(boolean v) { registerJmx = v; return this; }
        public Builder snapshotEveryEntries(long v) { snapshotEveryEntries = v; return this; }
        public Builder snapshotEveryBytes(long v) { snapshotEveryBytes = v; return this; }
        public Builder retainedAppliedSlots(int v) { retainedAppliedSlots = v; return this; }
        public Builder snapshotChunkBytes(int v) { snapshotChunkBytes = v; return this; }
        public Builder snapshotTransferBytesPerSecond(long v) { snapshotTransferBytesPerSecond = v; return this; }
        public Builder maxClockDrift(double v) { maxClockDrift = v; return this; }
        public Builder readTimeoutMillis(long v) { readTimeoutMillis = v; return this; }
        public Builder maxPromotionLagSlots(long v) { maxPromotionLagSlots = v; return this; }

        public SynodOptions build() {
            positive("tickMillis", tickMillis);
            require(heartbeatIntervalMillis >= tickMillis, "heartbeatIntervalMillis (" + heartbeatIntervalMillis
                    + ") must be at least tickMillis (" + tickMillis + ")");
            require(electionTimeoutMillis >= 2 * heartbeatIntervalMillis, "electionTimeoutMillis (" + electionTimeoutMillis
                    + ") must be at least twice heartbeatIntervalMillis (" + heartbeatIntervalMillis
                    + ") so that one lost heartbeat does not start an election");
            require(maxElectionBackoffMillis >= 0, "maxElectionBackoffMillis must be >= 0, got " + maxElectionBackoffMillis);
            require(retransmitMillis >= tickMillis, "retransmitMillis (" + retransmitMillis + ") must be at least tickMillis ("
                    + tickMillis + ")");
            positive("pipelineWindow", pipelineWindow);
            positive("maxBatchCommands", maxBatchCommands);
            positive("maxBatchBytes", maxBatchBytes);
            positive("maxCommandBytes", maxCommandBytes);
            require(maxCommandBytes <= maxBatchBytes, "maxCommandBytes (" + maxCommandBytes
                    + ") must not exceed maxBatchBytes (" + maxBatchBytes + "): a command must fit in one slot");
            positive("maxPendingProposals", maxPendingProposals);
            require(maxPendingBytes >= maxCommandBytes, "maxPendingBytes (" + maxPendingBytes
                    + ") must be at least maxCommandBytes (" + maxCommandBytes + ")");
            require(maxApplyBacklogBytes >= maxBatchBytes, "maxApplyBacklogBytes (" + maxApplyBacklogBytes
                    + ") must be at least maxBatchBytes (" + maxBatchBytes + ")");
            positive("maxQueuedEvents", maxQueuedEvents);
            require(proposalTimeoutMillis >= electionTimeoutMillis, "proposalTimeoutMillis (" + proposalTimeoutMillis
                    + ") must be at least electionTimeoutMillis (" + electionTimeoutMillis
                    + "), or every leader change would time proposals out");
            positive("snapshotEveryEntries", snapshotEveryEntries);
            positive("snapshotEveryBytes", snapshotEveryBytes);
            positive("retainedAppliedSlots", retainedAppliedSlots);
            require(snapshotChunkBytes >= 4096 && snapshotChunkBytes <= (8 << 20), "snapshotChunkBytes must be between"
                    + " 4 KiB and 8 MiB (and below the transport's maximum frame size), got " + snapshotChunkBytes);
            require(snapshotTransferBytesPerSecond >= 0, "snapshotTransferBytesPerSecond must be >= 0 (0: unlimited), got "
                    + snapshotTransferBytesPerSecond);
            require(maxClockDrift >= 0 && maxClockDrift <= 10, "maxClockDrift must be between 0 and 10 (a fraction:"
                    + " 0.1 means clocks may run 10% apart), got " + maxClockDrift);
            require(readTimeoutMillis >= tickMillis, "readTimeoutMillis (" + readTimeoutMillis
                    + ") must be at least tickMillis (" + tickMillis + ")");
            require(maxPromotionLagSlots >= 0, "maxPromotionLagSlots must be >= 0, got " + maxPromotionLagSlots);
            positive("consensusThreads", consensusThreads);
            positive("applyThreads", applyThreads);
            return new SynodOptions(this);
        }

        private static void positive(String name, long value) {
            require(value > 0, name + " must be positive, got " + value);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException("invalid Synod options: " + message);
            }
        }
    }
}
