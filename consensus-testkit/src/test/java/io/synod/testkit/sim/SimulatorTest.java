package io.synod.testkit.sim;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedders' simulator: a correct state machine passes every seed, and each way of breaking
 * the {@code StateMachine} contract that matters to replication is reported — so a green run of
 * the testkit means something.
 */
class SimulatorTest {
    private static final int SEEDS = 40;

    @Test
    void aCorrectStateMachinePassesEverySeed() {
        List<SimulationReport> reports = Simulator.forStateMachine(RegisterMachine::new)
                .workload(RegisterMachine.WORKLOAD).compareSnapshotBytes(true).build().check(1, SEEDS);
        long operations = reports.stream().mapToLong(SimulationReport::operationsAcknowledged).sum();
        long snapshots = reports.stream().mapToLong(r -> r.snapshotsTaken() + r.snapshotsInstalled()).sum();
        long restarts = reports.stream().mapToLong(SimulationReport::restarts).sum();
        System.out.printf("Simulator: %d seeds of RegisterMachine passed: %d operations acknowledged, %d snapshots,"
                + " %d restarts%n", SEEDS, operations, snapshots, restarts);
        assertTrue(operations > 1000 && snapshots > 0 && restarts > 0, "the runs exercised little: " + reports);
    }

    @Test
    void aMachineWithoutSnapshotsRunsWithoutThem() {
        List<SimulationReport> reports = Simulator.forStateMachine(RegisterMachine.NoSnapshots::new)
                .workload(RegisterMachine.WORKLOAD).build().check(1, 10);
        assertEquals(0, reports.stream().mapToLong(r -> r.snapshotsTaken() + r.snapshotsInstalled()).sum());
    }

    @Test
    void aNondeterministicMachineIsReported() {
        assertCaught(Simulator.forStateMachine(RegisterMachine.Nondeterministic::new)
                .workload(RegisterMachine.WORKLOAD).build(), "agreed sequence gives");
    }

    @Test
    void aSnapshotThatLosesStateIsReported() {
        assertCaught(Simulator.forStateMachine(RegisterMachine.LossyRestore::new)
                .workload(RegisterMachine.WORKLOAD).build(), "");
    }

    @Test
    void staleQueriesAreReported() {
        assertCaught(Simulator.forStateMachine(RegisterMachine.StaleQueries::new)
                .workload(RegisterMachine.WORKLOAD).build(), "stale");
    }

    @Test
    void aSeedReplaysExactly() {
        Simulator simulator = Simulator.forStateMachine(RegisterMachine::new).workload(RegisterMachine.WORKLOAD).build();
        assertEquals(simulator.run(7), simulator.run(7));
    }

    @Test
    void buildingWithoutAWorkloadSaysWhatIsMissing() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Simulator.forStateMachine(RegisterMachine::new).build());
        assertTrue(e.getMessage().contains("workload(...)"), e.getMessage());
    }

    @Test
    void anExceptionFromTheWorkloadFailsTheRunWithItsName() {
        SimulationReport report = Simulator.forStateMachine(RegisterMachine::new)
                .workload((random, client) -> null).build().run(1);
        assertTrue(!report.passed() && report.violations().get(0).contains("command returned null"), report.toString());
    }

    private static void assertCaught(Simulator simulator, String expected) {
        AssertionError caught = assertThrows(AssertionError.class, () -> simulator.check(1, SEEDS));
        System.out.println("caught: " + caught.getMessage().lines().findFirst().orElse(""));
        assertTrue(caught.getMessage().contains(expected), caught.getMessage());
    }
}
