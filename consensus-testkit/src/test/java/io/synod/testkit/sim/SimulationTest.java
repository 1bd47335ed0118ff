package io.synod.testkit.sim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The main safety test: many seeds, each a different mix of replicas, quorums and faults, each
 * checked for every property {@link SafetyChecker} lists plus liveness after healing.
 *
 * <ul>
 *   <li>{@code -Dsynod.sim.seeds=N} sets the budget (1,000 in the default build, 100,000 with {@code -Psoak});</li>
 *   <li>{@code -Dsynod.sim.firstSeed=S} moves the window of seeds;</li>
 *   <li>{@code -Dsynod.sim.seed=S} replays one seed and prints its trace.</li>
 * </ul>
 */
class SimulationTest {

    @Test
    void everySeedIsSafeAndLive() {
        Long replay = Long.getLong("synod.sim.seed");
        if (replay != null) {
            SimResult result = Simulation.run(SimScenario.fromSeed(replay), ReplicaFactory.CORRECT, true);
            System.out.println(result);
            assertTrue(result.passed(), result.toString());
            return;
        }
        int seeds = Integer.getInteger("synod.sim.seeds", 1000);
        long firstSeed = Long.getLong("synod.sim.firstSeed", 1L);
        List<SimResult> failures = new ArrayList<>();
        SimStats stats = new SimStats();
        long started = System.nanoTime();
        for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
            SimResult result = Simulation.run(seed);
            stats.add(result);
            if (!result.passed()) {
                failures.add(result);
                System.out.println("FAILED " + result + "\n  replay: " + result.replayCommand(null));
            }
        }
        System.out.println(stats.summary(seeds, (System.nanoTime() - started) / 1_000_000));
        assertTrue(seeds < 100 || stats.seedsServingFromJournal > 0,
                "no seed served a catch-up from the journal: the eviction path went untested");
        assertTrue(seeds < 100 || stats.acknowledgedChosenLost > 0,
                "no crash lost a chosen value written without a sync: that path went untested");
        assertTrue(failures.isEmpty(), () -> failures.size() + " of " + seeds + " seeds failed; first: "
                + failures.get(0) + "\n  replay: " + failures.get(0).replayCommand(null));
    }

    @Test
    void aSeedReplaysExactly() {
        for (long seed : new long[] {3, 17, 101}) {
            SimResult first = Simulation.run(seed);
            SimResult again = Simulation.run(seed);
            assertEquals(first, again, "seed " + seed + " must replay event for event");
            assertTrue(first.events() > 10_000, "a run does real work: " + first);
        }
        assertNotEquals(Simulation.run(3).events(), Simulation.run(4).events(), "neighbouring seeds are different runs");
    }

    /** Totals over all seeds, printed so that a CI log shows what was actually exercised. */
    static final class SimStats {
        long replicas3;
        long replicas5;
        long flexible;
        long operations;
        long slots;
        long messages;
        long dropped;
        long faults;
        long restarts;
        long elections;
        long tornTails;
        long unacknowledgedDurable;
        long acknowledgedChosenLost;
        long snapshotsTaken;
        long snapshotsInstalled;
        long slotsServedFromJournal;
        long seedsServingFromJournal;
        double simulatedSeconds;
        final TreeMap<String, Integer> faultKinds = new TreeMap<>();

        void add(SimResult r) {
            SimScenario s = r.scenario();
            if (s.replicas() == 3) {
                replicas3++;
            } else {
                replicas5++;
            }
            if (s.phase1Quorum() != s.phase2Quorum()) {
                flexible++;
            }
            operations += r.operationsAcknowledged();
            slots += r.chosenSlots();
            messages += r.messagesSent();
            dropped += r.messagesDropped();
            faults += r.faultsInjected();
            restarts += r.restarts();
            elections += r.leaderElections();
            tornTails += r.tornTailsDropped();
            unacknowledgedDurable += r.unacknowledgedButDurable();
            acknowledgedChosenLost += r.acknowledgedChosenLost();
            snapshotsTaken += r.snapshotsTaken();
            snapshotsInstalled += r.snapshotsInstalled();
            slotsServedFromJournal += r.slotsServedFromJournal();
            seedsServingFromJournal += r.slotsServedFromJournal() > 0 ? 1 : 0;
            simulatedSeconds += r.simulatedMicros() / 1e6;
            for (String kind : s.faultKinds()) {
                faultKinds.merge(kind.replaceAll("=.*", ""), 1, Integer::sum);
            }
        }

        String summary(int seeds, long wallMillis) {
            return String.format("simulation: %d seeds (%d with 3 replicas, %d with 5, %d flexible quorums) in %.1f s wall,"
                            + " %.0f s simulated; %d client operations acknowledged, %d slots chosen, %d messages"
                            + " (%d dropped), %d faults injected, %d restarts, %d leader elections, %d torn journal tails"
                            + " dropped, %d records durable but never acknowledged, %d chosen values acknowledged"
                            + " without a sync and lost in a crash, %d snapshots taken, %d installed"
                            + " on lagging replicas, %d evicted slots served from journals (in %d seeds); seeds per fault kind %s",
                    seeds, replicas3, replicas5, flexible, wallMillis / 1000.0, simulatedSeconds, operations, slots,
                    messages, dropped, faults, restarts, elections, tornTails, unacknowledgedDurable, acknowledgedChosenLost,
                    snapshotsTaken,
                    snapshotsInstalled, slotsServedFromJournal, seedsServingFromJournal, faultKinds);
        }
    }
}
