package io.synod.testkit.sim;

import io.synod.core.protocol.Mutation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Proves the checkers can fail: each deliberately broken protocol variant must produce a
 * violation within the CI seed budget ({@code -Dsynod.sim.mutation.seeds}, 600 by default).
 * {@code -Dsynod.sim.mutation=NAME -Dsynod.sim.seed=S} replays one mutant run with its trace.
 */
class MutationTest {

    @ParameterizedTest
    @EnumSource(Mutation.class)
    void checkersCatchBrokenProtocol(Mutation mutation) {
        String only = System.getProperty("synod.sim.mutation");
        Long replay = Long.getLong("synod.sim.seed");
        if (only != null && replay != null) {
            if (mutation.name().equals(only)) {
                SimResult result = Simulation.run(SimScenario.fromSeed(replay), mutation::create, true);
                System.out.println(mutation + ": " + result);
            }
            return;
        }
        int budget = Integer.getInteger("synod.sim.mutation.seeds", 600);
        SimResult caught = null;
        for (long seed = 1; seed <= budget && caught == null; seed++) {
            SimResult result = Simulation.run(SimScenario.fromSeed(seed), mutation::create, false);
            if (!result.passed()) {
                caught = result;
            }
        }
        assertNotNull(caught, mutation + " survived " + budget + " seeds: the checkers cannot see this defect");
        System.out.println(mutation + " caught at seed " + caught.scenario().seed() + ": " + caught.violations().get(0)
                + "\n  replay: " + caught.replayCommand(mutation.name()));
    }
}
