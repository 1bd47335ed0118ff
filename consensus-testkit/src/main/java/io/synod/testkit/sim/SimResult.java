package io.synod.testkit.sim;

import java.util.List;

/** What one simulated run did and found. */
public record SimResult(
        SimScenario scenario,
        List<String> violations,
        long simulatedMicros,
        long events,
        long messagesSent,
        long messagesDropped,
        long operationsAcknowledged,
        long chosenSlots,
        long appliedEntries,
        long faultsInjected,
        long restarts,
        long leaderElections,
        long tornTailsDropped,
        long unacknowledgedButDurable,
        long acknowledgedChosenLost,
        long snapshotsTaken,
        long snapshotsInstalled,
        long slotsServedFromJournal) {

    SimResult(Simulation sim) {
        this(sim.scenario, List.copyOf(sim.checker.violations()), sim.loop.nowMicros(), sim.loop.executed(),
                sim.network.sent(), sim.network.dropped(),
                sim.clients.stream().mapToLong(SimClient::completed).sum(),
                sim.checker.chosenSlots(), sim.checker.appliedEntries(), sim.nemesis.faultsInjected(),
                sim.nodes.stream().mapToLong(SimNode::restarts).sum(), sim.leaderElections,
                sim.nodes.stream().mapToLong(n -> n.disk().tornTailsDropped()).sum(),
                sim.nodes.stream().mapToLong(n -> n.disk().unacknowledgedButDurable()).sum(),
                sim.nodes.stream().mapToLong(n -> n.disk().acknowledgedChosenLost()).sum(),
                sim.nodes.stream().mapToLong(SimNode::snapshotsTaken).sum(),
                sim.nodes.stream().mapToLong(SimNode::snapshotsInstalled).sum(),
                sim.nodes.stream().mapToLong(SimNode::slotsServedFromJournal).sum());
    }

    public boolean passed() {
        return violations.isEmpty();
    }

    /** The one command that replays this run. */
    public String replayCommand(String mutation) {
        return "mvn -B -pl consensus-testkit -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest="
                + (mutation == null ? "SimulationTest" : "MutationTest")
                + " -Dsynod.sim.seed=" + scenario.seed() + (mutation == null ? "" : " -Dsynod.sim.mutation=" + mutation);
    }

    @Override
    public String toString() {
        return scenario + (passed() ? " passed" : " FAILED: " + violations.get(0))
                + String.format(" [%.1f s simulated, %d ops acked, %d slots chosen, %d msgs (%d dropped), %d faults,"
                                + " %d restarts, %d elections]",
                        simulatedMicros / 1e6, operationsAcknowledged, chosenSlots, messagesSent, messagesDropped,
                        faultsInjected, restarts, leaderElections);
    }
}
