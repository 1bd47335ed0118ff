package io.synod.examples.kv;

import io.synod.testkit.sim.SimulationReport;
import io.synod.testkit.sim.Simulator;
import io.synod.testkit.sim.Workload;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The testkit as an embedder uses it: the kv example's own {@link KvMachine} replicated by the
 * real protocol in the deterministic simulator, under partitions, crashes, torn writes, pauses
 * and clock drift, every run checked (results, snapshots, linearizable reads). This file is the
 * example docs/testing.md points to; copy it for your own state machine.
 */
class KvMachineSimulationTest {

    /** Puts, deletes and compare-and-sets on three keys, and gets outside the log. */
    static final Workload KV_WORKLOAD = new Workload() {
        @Override
        public byte[] command(Random random, int client) {
            String key = "key-" + random.nextInt(3);
            String value = "v" + random.nextInt(5);
            return switch (random.nextInt(6)) {
                case 0 -> KvOps.delete(key);
                case 1, 2 -> KvOps.cas(key, random.nextBoolean() ? null : "v" + random.nextInt(5), value);
                default -> KvOps.put(key, value);
            };
        }

        @Override
        public byte[] query(Random random, int client) {
            return KvOps.get("key-" + random.nextInt(3));
        }
    };

    @Test
    void theKvStateMachineStaysCorrectUnderSimulatedFaults() {
        Simulator simulator = Simulator.forStateMachine(KvMachine::new)
                .workload(KV_WORKLOAD)
                .compareSnapshotBytes(true) // KvMachine writes its sorted map: equal states, equal bytes
                .build();
        List<SimulationReport> reports = simulator.check(1, 50);
        long operations = reports.stream().mapToLong(SimulationReport::operationsAcknowledged).sum();
        long faults = reports.stream().mapToLong(SimulationReport::faultsInjected).sum();
        System.out.printf("KvMachine in the simulator: 50 seeds passed, %d operations acknowledged, %d faults injected%n",
                operations, faults);
        assertTrue(operations > 0 && faults > 0, reports::toString);
    }
}
