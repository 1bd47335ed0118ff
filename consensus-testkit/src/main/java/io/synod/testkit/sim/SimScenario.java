package io.synod.testkit.sim;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything about one simulated run, derived from its seed alone, so that one number replays it.
 * Each fault kind is switched on for a random subset of seeds; across a thousand seeds every kind
 * runs hundreds of times, alone and in combination.
 */
record SimScenario(
        long seed,
        int replicas,
        int phase1Quorum,
        int phase2Quorum,
        int clients,
        double dropRate,
        double duplicateRate,
        double longDelayRate,
        boolean partitions,
        boolean oneWayPartitions,
        boolean leaderIsolation,
        boolean crashes,
        boolean slowDisk,
        boolean clockSkew,
        boolean pauses,
        boolean tornWrites,
        boolean forwarding,
        int snapshotEverySlots,
        long faultPhaseMicros,
        long healBoundMicros,
        boolean fastReads,
        boolean leaseReads,
        boolean lingeringLeaders,
        long clientTimeoutMicros,
        double clockRateSpread,
        double maxClockDrift,
        boolean leaseTrap,
        boolean reconfigurations,
        int membershipActivationSlots,
        int retainedAppliedSlots) {

    /** Nodes that start outside the group (joining) when a scenario changes memberships. */
    static final int SPARE_NODES = 2;

    /**
     * With clock skew, each clock runs at a rate between 1/1.2 and 1.2 times the true one (so two
     * clocks differ by a factor of at most 1.44); leases are sized for a bound of 0.5 (1.5x).
     */
    static final double RATE_SPREAD = 1.2;
    static final double DRIFT_BOUND = 0.5;

    static final long MILLI = 1_000;
    static final long SECOND = 1_000_000;

    static SimScenario fromSeed(long seed) {
        SimRandom r = new SimRandom(seed ^ 0x632BE59BD9B4E019L); // not the run's own stream
        int replicas = r.chance(0.5) ? 3 : 5;
        int phase1 = replicas / 2 + 1;
        int phase2 = phase1;
        if (replicas == 5 && r.chance(0.25)) {
            // Flexible Paxos: a large phase-1 quorum buys a small phase-2 quorum.
            phase1 = 4;
            phase2 = 2;
        }
        return new SimScenario(
                seed, replicas, phase1, phase2,
                2 + r.nextInt(4),
                r.chance(0.8) ? r.nextDouble() * 0.30 : 0.0,
                r.chance(0.5) ? r.nextDouble() * 0.05 : 0.0,
                r.chance(0.7) ? r.nextDouble() * 0.10 : 0.0,
                r.chance(0.5), r.chance(0.4), r.chance(0.4), r.chance(0.6), r.chance(0.4), r.chance(0.5), r.chance(0.4), r.chance(0.5), r.chance(0.5),
                r.chance(0.7) ? 10 + r.nextInt(90) : 0,
                (6 + r.nextInt(7)) * SECOND,
                20 * SECOND,
                r.chance(0.7), r.chance(0.5), r.chance(0.5), r.chance(0.5) ? 300 * MILLI : SECOND,
                RATE_SPREAD, DRIFT_BOUND, false,
                // Drawn last, so every earlier choice of a seed is what it was before memberships could change.
                r.chance(0.4), r.pick(List.of(1, 2, 3, 5, 8, 16, 64)),
                // Also drawn after everything else. Small windows make replicas evict applied values
                // constantly, so lagging replicas and candidates meet evicted slots in most runs.
                r.pick(List.of(8, 32, 1_000_000)));
    }

    /**
     * The situation leases must survive, staged: three replicas and clients at work; after 2 s the
     * leader's clock slows to a third of the true rate and the others' speed up threefold, and the
     * leader is cut off from the other replicas (not from clients) for 1.5 s while a client keeps
     * reading from it. Leases sized for {@code drift}.
     */
    static SimScenario leaseTrap(long seed, double drift) {
        return new SimScenario(seed, 3, 2, 2, 4, 0, 0, 0, false, false, false, false, false, false, false, false, true,
                0, 6 * SECOND, 20 * SECOND, true, true, true, 100 * MILLI, 3.0, drift, true, false, 64, 1_000_000);
    }

    /** This scenario with clock rates between {@code 1/spread} and {@code spread}, and leases sized for {@code drift}. */
    SimScenario withClocks(double spread, double drift) {
        return new SimScenario(seed, replicas, phase1Quorum, phase2Quorum, clients, dropRate, duplicateRate,
                longDelayRate, partitions, oneWayPartitions, leaderIsolation, crashes, slowDisk, true, pauses, tornWrites,
                forwarding, snapshotEverySlots, faultPhaseMicros, healBoundMicros, true, true, lingeringLeaders, clientTimeoutMicros, spread, drift, leaseTrap,
                reconfigurations, membershipActivationSlots, retainedAppliedSlots);
    }

    /** This scenario without snapshots, for a state machine that takes none. */
    SimScenario withoutSnapshots() {
        return new SimScenario(seed, replicas, phase1Quorum, phase2Quorum, clients, dropRate, duplicateRate,
                longDelayRate, partitions, oneWayPartitions, leaderIsolation, crashes, slowDisk, clockSkew, pauses, tornWrites,
                forwarding, 0, faultPhaseMicros, healBoundMicros, fastReads, leaseReads, lingeringLeaders, clientTimeoutMicros,
                clockRateSpread, maxClockDrift, leaseTrap, reconfigurations, membershipActivationSlots, retainedAppliedSlots);
    }

    /** Every node of the run: the initial replicas, then the spares that may join. */
    int nodes() {
        return replicas + (reconfigurations ? SPARE_NODES : 0);
    }

    List<String> faultKinds() {
        List<String> kinds = new ArrayList<>();
        if (dropRate > 0) {
            kinds.add(String.format("drop=%.0f%%", dropRate * 100));
        }
        if (duplicateRate > 0) {
            kinds.add(String.format("dup=%.1f%%", duplicateRate * 100));
        }
        if (longDelayRate > 0) {
            kinds.add(String.format("reorder=%.1f%%", longDelayRate * 100));
        }
        if (partitions) {
            kinds.add("partition");
        }
        if (oneWayPartitions) {
            kinds.add("one-way");
        }
        if (leaderIsolation) {
            kinds.add("isolate-leader");
        }
        if (crashes) {
            kinds.add("crash-restart");
        }
        if (slowDisk) {
            kinds.add("slow-disk");
        }
        if (clockSkew) {
            kinds.add("clock-skew");
        }
        if (pauses) {
            kinds.add("pause");
        }
        if (tornWrites) {
            kinds.add("torn-writes");
        }
        if (leaseTrap) {
            kinds.add("lease-trap");
        }
        if (reconfigurations) {
            kinds.add("reconfigure");
        }
        return kinds;
    }

    @Override
    public String toString() {
        return "seed=" + seed + " replicas=" + replicas + " quorums=" + phase1Quorum + "/" + phase2Quorum
                + " clients=" + clients + (forwarding ? " forwarding" : "")
                + (snapshotEverySlots > 0 ? " snapshots/" + snapshotEverySlots : "")
                + (fastReads ? (leaseReads ? " reads=index+lease" : " reads=index") : "")
                + (lingeringLeaders ? " lingering-leaders" : "")
                + (clockRateSpread != RATE_SPREAD || maxClockDrift != DRIFT_BOUND
                        ? String.format(" clock-rates=1/%.1f..%.1f lease-drift-bound=%.2f", clockRateSpread, clockRateSpread,
                                maxClockDrift) : "")
                + (reconfigurations ? " activation-slots=" + membershipActivationSlots : "")
                + (retainedAppliedSlots < 1_000_000 ? " retained-slots=" + retainedAppliedSlots : "")
                + " faults=" + faultKinds();
    }
}
