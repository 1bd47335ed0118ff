package io.synod.core.sim;

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
        long healBoundMicros) {

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
                20 * SECOND);
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
        return kinds;
    }

    @Override
    public String toString() {
        return "seed=" + seed + " replicas=" + replicas + " quorums=" + phase1Quorum + "/" + phase2Quorum
                + " clients=" + clients + (forwarding ? " forwarding" : "")
                + (snapshotEverySlots > 0 ? " snapshots/" + snapshotEverySlots : "") + " faults=" + faultKinds();
    }
}
