package io.synod.testkit.sim;

import java.util.List;

/**
 * What one simulated run of your state machine did and found.
 *
 * @param seed                   the seed: {@link Simulator#replay} runs it again, event for event
 * @param scenario               the replicas, quorums and faults the seed chose
 * @param violations             every property that failed (empty: the run passed)
 * @param simulatedSeconds       how long the run lasted on the simulated clock
 * @param operationsAcknowledged client operations (commands and reads) that received an answer
 * @param faultsInjected         faults the nemesis injected (partitions, crashes, pauses, ...)
 * @param restarts               replica restarts after crashes
 * @param leaderElections        replicas that became leader
 * @param snapshotsTaken         snapshots the replicas took
 * @param snapshotsInstalled     snapshots lagging replicas received from others and restored
 */
public record SimulationReport(long seed, String scenario, List<String> violations, double simulatedSeconds,
                               long operationsAcknowledged, long faultsInjected, long restarts, long leaderElections,
                               long snapshotsTaken, long snapshotsInstalled) {

    static SimulationReport of(SimResult result) {
        return new SimulationReport(result.scenario().seed(), result.scenario().toString(), result.violations(),
                result.simulatedMicros() / 1e6, result.operationsAcknowledged(), result.faultsInjected(),
                result.restarts(), result.leaderElections(), result.snapshotsTaken(), result.snapshotsInstalled());
    }

    /** Whether every check held. */
    public boolean passed() {
        return violations.isEmpty();
    }

    @Override
    public String toString() {
        return scenario + (passed() ? " passed" : " FAILED: " + violations.get(0))
                + String.format(" [%.1f s simulated, %d ops acknowledged, %d faults, %d restarts, %d elections,"
                                + " %d snapshots taken, %d installed]", simulatedSeconds, operationsAcknowledged,
                        faultsInjected, restarts, leaderElections, snapshotsTaken, snapshotsInstalled);
    }
}
