package io.synod.core.protocol;

import java.util.Set;
import java.util.TreeSet;

/**
 * Settings of one replica of one group. Time is counted in ticks; the runtime decides how long a
 * tick is (see the runtime's options). Built once with {@link #builder()}, validated in
 * {@link Builder#build()}, immutable afterwards.
 */
public final class ProtocolConfig {
    private final long groupId;
    private final int nodeId;
    private final Quorum quorum;
    private final int pipelineWindow;
    private final int maxBatchCommands;
    private final long maxBatchBytes;
    private final int maxPendingCommands;
    private final int heartbeatIntervalTicks;
    private final int electionTimeoutTicks;
    private final int maxElectionBackoffTicks;
    private final int leaderQuorumTimeoutTicks;
    private final int retransmitTicks;
    private final int catchUpBatchSlots;
    private final int retainedAppliedSlots;
    private final double maxClockDrift;
    private final int membershipActivationSlots;
    private final boolean joining;
    /** Quorum sizes as set (0, 0 = majority of whatever the members are). */
    private final int phase1SizeSetting;
    private final int phase2SizeSetting;
    /** As set (0 = follow the election timeout). */
    private final int leaderQuorumTimeoutTicksSetting;

    private ProtocolConfig(Builder b, Quorum quorum) {
        this.groupId = b.groupId;
        this.nodeId = b.nodeId;
        this.quorum = quorum;
        this.pipelineWindow = b.pipelineWindow;
        this.maxBatchCommands = b.maxBatchCommands;
        this.maxBatchBytes = b.maxBatchBytes;
        this.maxPendingCommands = b.maxPendingCommands;
        this.heartbeatIntervalTicks = b.heartbeatIntervalTicks;
        this.electionTimeoutTicks = b.electionTimeoutTicks;
        this.maxElectionBackoffTicks = b.maxElectionBackoffTicks;
        this.leaderQuorumTimeoutTicks = b.leaderQuorumTimeoutTicks == 0 ? b.electionTimeoutTicks : b.leaderQuorumTimeoutTicks;
        this.retransmitTicks = b.retransmitTicks;
        this.catchUpBatchSlots = b.catchUpBatchSlots;
        this.retainedAppliedSlots = b.retainedAppliedSlots;
        this.maxClockDrift = b.maxClockDrift;
        this.membershipActivationSlots = b.membershipActivationSlots;
        this.joining = b.joining;
        this.phase1SizeSetting = b.phase1Size;
        this.phase2SizeSetting = b.phase2Size;
        this.leaderQuorumTimeoutTicksSetting = b.leaderQuorumTimeoutTicks;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these settings as they were set, for deriving a variant (e.g. another node
     * id of the same group). Settings left to their derived defaults (majority quorums, the leader
     * quorum timeout following the election timeout) keep following them in the variant.
     */
    public Builder toBuilder() {
        return new Builder()
                .groupId(groupId).nodeId(nodeId).members(new TreeSet<>(quorum.members()))
                .quorumSizes(phase1SizeSetting, phase2SizeSetting)
                .pipelineWindow(pipelineWindow).maxBatchCommands(maxBatchCommands).maxBatchBytes(maxBatchBytes)
                .maxPendingCommands(maxPendingCommands).heartbeatIntervalTicks(heartbeatIntervalTicks)
                .electionTimeoutTicks(electionTimeoutTicks).maxElectionBackoffTicks(maxElectionBackoffTicks)
                .leaderQuorumTimeoutTicks(leaderQuorumTimeoutTicksSetting).retransmitTicks(retransmitTicks)
                .catchUpBatchSlots(catchUpBatchSlots).retainedAppliedSlots(retainedAppliedSlots).maxClockDrift(maxClockDrift)
                .membershipActivationSlots(membershipActivationSlots).joining(joining);
    }

    /** The consensus group this replica belongs to; every message and record carries it. */
    public long groupId() {
        return groupId;
    }

    public int nodeId() {
        return nodeId;
    }

    public Quorum quorum() {
        return quorum;
    }

    /** Most slots a leader keeps proposed but not yet chosen. */
    public int pipelineWindow() {
        return pipelineWindow;
    }

    /** Most commands a leader packs into one slot. */
    public int maxBatchCommands() {
        return maxBatchCommands;
    }

    /** Most payload bytes a leader packs into one slot (a single larger command still gets a slot of its own). */
    public long maxBatchBytes() {
        return maxBatchBytes;
    }

    /** Most commands a leader queues while its pipeline is full; beyond it proposals are rejected as overloaded. */
    public int maxPendingCommands() {
        return maxPendingCommands;
    }

    public int heartbeatIntervalTicks() {
        return heartbeatIntervalTicks;
    }

    /** A follower campaigns after hearing from no leader for a random time in [timeout, 2 * timeout) ticks. */
    public int electionTimeoutTicks() {
        return electionTimeoutTicks;
    }

    /** Cap on the randomized exponential backoff added after a failed campaign. */
    public int maxElectionBackoffTicks() {
        return maxElectionBackoffTicks;
    }

    /** A leader that has not heard from a phase-2 quorum for this long stops acting as leader. */
    public int leaderQuorumTimeoutTicks() {
        return leaderQuorumTimeoutTicks;
    }

    /** Unanswered prepares, accepts and catch-up requests are resent after this many ticks. */
    public int retransmitTicks() {
        return retransmitTicks;
    }

    /** Most chosen slots sent in one catch-up reply. */
    public int catchUpBatchSlots() {
        return catchUpBatchSlots;
    }

    /**
     * How many applied slots keep their chosen value (and this acceptor's vote) in memory. Older
     * applied slots stay chosen and stay in the journal until a snapshot truncates it, but their
     * values leave the heap: a peer catching up on them is served from the journal (see
     * {@link Ready#journalReads()}). Bounds the replica's live set between snapshots.
     */
    public int retainedAppliedSlots() {
        return retainedAppliedSlots;
    }

    /**
     * The assumed bound on how much faster one replica's clock may run than another's: 0.1 means
     * that while one replica's clock measures {@code t}, another's measures at most {@code 1.1 t}.
     * Leader leases are only as safe as this bound (see {@link #leaseTicks()}).
     */
    public double maxClockDrift() {
        return maxClockDrift;
    }

    /**
     * Slots between a membership change being chosen and taking effect (see {@link MembershipHistory}).
     * Part of the group's definition: every replica of a group must use the same value. A leader
     * keeps at most this many slots (and {@link #pipelineWindow()}) in flight.
     */
    public int membershipActivationSlots() {
        return membershipActivationSlots;
    }

    /**
     * Whether this replica is not among the group's initial members and joins it through a
     * membership change; {@link #quorum()} then describes the group's initial voters.
     */
    public boolean joining() {
        return joining;
    }

    /** The group's membership before any change: the initial voters, no learners. */
    public Membership initialMembership() {
        return Membership.initial(quorum);
    }

    /**
     * How long a leader may serve reads locally after a phase-2 quorum answered a heartbeat it sent,
     * measured from the tick the heartbeat was sent in, on the leader's clock; 0 means never.
     *
     * <p>Why it is safe: a replica that answered refuses every other candidate's prepare until it
     * has counted {@code electionTimeoutTicks} ticks since it received the heartbeat (and for as
     * many ticks after it starts), and any new leader needs a promise from one of them (every
     * phase-1 quorum meets every phase-2 quorum). Ticks are never delivered in bursts, so those
     * ticks span at least {@code electionTimeoutTicks - 1.5} tick lengths on that replica's clock
     * (the tick it received the heartbeat in may be almost over), hence at least that divided by
     * {@code 1 + maxClockDrift} on the leader's. The lease is the whole ticks below that, less one
     * more for safety.
     */
    public int leaseTicks() {
        return Math.max(0, (int) Math.floor((electionTimeoutTicks - 2) / (1 + maxClockDrift)));
    }

    /** Builder with safe defaults; every default is here. */
    public static final class Builder {
        private long groupId = 0;
        private int nodeId = 0;
        private Set<Integer> members = Set.of();
        private int phase1Size = 0;
        private int phase2Size = 0;
        private int pipelineWindow = 32;
        private int maxBatchCommands = 512;
        private long maxBatchBytes = 1 << 20;
        private int maxPendingCommands = 10_000;
        private int heartbeatIntervalTicks = 2;
        private int electionTimeoutTicks = 10;
        private int maxElectionBackoffTicks = 80;
        private int leaderQuorumTimeoutTicks = 0;
        private int retransmitTicks = 4;
        private int catchUpBatchSlots = 256;
        private int retainedAppliedSlots = 4_096;
        private double maxClockDrift = 0.1;
        private int membershipActivationSlots = 64;
        private boolean joining;

        private Builder() {
        }

        public Builder groupId(long groupId) {
            this.groupId = groupId;
            return this;
        }

        public Builder nodeId(int nodeId) {
            this.nodeId = nodeId;
            return this;
        }

        public Builder members(Set<Integer> members) {
            this.members = new TreeSet<>(members);
            return this;
        }

        /** Flexible Paxos quorum sizes; by default (0, 0) both are a majority of the members. */
        public Builder quorumSizes(int phase1Size, int phase2Size) {
            this.phase1Size = phase1Size;
            this.phase2Size = phase2Size;
            return this;
        }

        public Builder pipelineWindow(int slots) {
            this.pipelineWindow = slots;
            return this;
        }

        public Builder maxBatchCommands(int commands) {
            this.maxBatchCommands = commands;
            return this;
        }

        public Builder maxBatchBytes(long bytes) {
            this.maxBatchBytes = bytes;
            return this;
        }

        public Builder maxPendingCommands(int commands) {
            this.maxPendingCommands = commands;
            return this;
        }

        public Builder heartbeatIntervalTicks(int ticks) {
            this.heartbeatIntervalTicks = ticks;
            return this;
        }

        public Builder electionTimeoutTicks(int ticks) {
            this.electionTimeoutTicks = ticks;
            return this;
        }

        public Builder maxElectionBackoffTicks(int ticks) {
            this.maxElectionBackoffTicks = ticks;
            return this;
        }

        /** 0 (the default) means: equal to the election timeout. */
        public Builder leaderQuorumTimeoutTicks(int ticks) {
            this.leaderQuorumTimeoutTicks = ticks;
            return this;
        }

        public Builder retransmitTicks(int ticks) {
            this.retransmitTicks = ticks;
            return this;
        }

        public Builder catchUpBatchSlots(int slots) {
            this.catchUpBatchSlots = slots;
            return this;
        }

        /** See {@link ProtocolConfig#retainedAppliedSlots()}; 4,096 by default. */
        public Builder retainedAppliedSlots(int slots) {
            this.retainedAppliedSlots = slots;
            return this;
        }

        /** See {@link ProtocolConfig#maxClockDrift()}; 0.1 by default. */
        public Builder maxClockDrift(double drift) {
            this.maxClockDrift = drift;
            return this;
        }

        /** See {@link ProtocolConfig#membershipActivationSlots()}; 64 by default. */
        public Builder membershipActivationSlots(int slots) {
            this.membershipActivationSlots = slots;
            return this;
        }

        /** See {@link ProtocolConfig#joining()}; false by default. */
        public Builder joining(boolean joining) {
            this.joining = joining;
            return this;
        }

        /** Validates every setting and builds; the exception message says which setting to change. */
        public ProtocolConfig build() {
            require(groupId >= 0, "groupId must be >= 0, got " + groupId);
            require(!members.isEmpty(), "members is empty: list every voting replica of the group, including this one");
            require(joining || members.contains(nodeId), "nodeId " + nodeId + " is not among members " + members
                    + ": add it to members, fix nodeId, or (for a node added by a membership change) set joining");
            require(!joining || !members.contains(nodeId), "nodeId " + nodeId + " is among the initial members "
                    + members + " but joining is set: a joining node was not an initial member");
            Quorum quorum = (phase1Size == 0 && phase2Size == 0)
                    ? Quorum.majority(members)
                    : Quorum.flexible(members, phase1Size, phase2Size);
            require(pipelineWindow >= 1, "pipelineWindow must be >= 1 slot, got " + pipelineWindow);
            require(maxBatchCommands >= 1, "maxBatchCommands must be >= 1, got " + maxBatchCommands);
            require(maxBatchBytes >= 1, "maxBatchBytes must be >= 1, got " + maxBatchBytes);
            require(maxPendingCommands >= 1, "maxPendingCommands must be >= 1, got " + maxPendingCommands);
            require(heartbeatIntervalTicks >= 1, "heartbeatIntervalTicks must be >= 1, got " + heartbeatIntervalTicks);
            require(electionTimeoutTicks >= 2 * heartbeatIntervalTicks, "electionTimeoutTicks (" + electionTimeoutTicks
                    + ") must be at least twice heartbeatIntervalTicks (" + heartbeatIntervalTicks
                    + ") so that one lost heartbeat does not start an election: raise the timeout or shorten the interval");
            require(maxElectionBackoffTicks >= 0, "maxElectionBackoffTicks must be >= 0, got " + maxElectionBackoffTicks);
            require(leaderQuorumTimeoutTicks == 0 || leaderQuorumTimeoutTicks >= 2 * heartbeatIntervalTicks,
                    "leaderQuorumTimeoutTicks (" + leaderQuorumTimeoutTicks + ") must be 0 (= election timeout) or at least"
                            + " twice heartbeatIntervalTicks (" + heartbeatIntervalTicks + ")");
            require(retransmitTicks >= 1, "retransmitTicks must be >= 1, got " + retransmitTicks);
            require(catchUpBatchSlots >= 1, "catchUpBatchSlots must be >= 1, got " + catchUpBatchSlots);
            require(retainedAppliedSlots >= 1, "retainedAppliedSlots must be >= 1 (applied slots whose values stay in"
                    + " memory; older ones are read back from the journal), got " + retainedAppliedSlots);
            require(maxClockDrift >= 0 && maxClockDrift <= 10, "maxClockDrift must be between 0 and 10 (a fraction:"
                    + " 0.1 = clocks may disagree on durations by 10%), got " + maxClockDrift);
            require(membershipActivationSlots >= 1 && membershipActivationSlots <= 1_000_000,
                    "membershipActivationSlots must be between 1 and 1000000, got " + membershipActivationSlots);
            return new ProtocolConfig(this, quorum);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException("invalid protocol config: " + message);
            }
        }
    }
}
