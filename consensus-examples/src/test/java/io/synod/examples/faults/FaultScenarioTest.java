package io.synod.examples.faults;

import io.synod.testkit.LinearizabilityChecker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

import static io.synod.examples.faults.FaultRun.Fault.BRIDGE;
import static io.synod.examples.faults.FaultRun.Fault.CLOCK_SKEW;
import static io.synod.examples.faults.FaultRun.Fault.DELAY;
import static io.synod.examples.faults.FaultRun.Fault.ISOLATE_LEADER;
import static io.synod.examples.faults.FaultRun.Fault.KILL;
import static io.synod.examples.faults.FaultRun.Fault.KILL_LEADER;
import static io.synod.examples.faults.FaultRun.Fault.ONE_WAY;
import static io.synod.examples.faults.FaultRun.Fault.PARTITION;
import static io.synod.examples.faults.FaultRun.Fault.PAUSE;
import static io.synod.examples.faults.FaultRun.Fault.REPLACE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real processes of the kv example under faults, every history checked for linearizability (see
 * {@link FaultRun}). Length, size and seed come from {@code synod.faults.seconds} (50),
 * {@code synod.faults.nodes} (3) and {@code synod.faults.seed} (fixed per scenario); the
 * {@code -Pfaults} profile runs them longer. Histories and a summary table go to {@code target/faults/}.
 */
class FaultScenarioTest {
    private static final long SECONDS = Long.getLong("synod.faults.seconds", 50);
    private static final int NODES = Integer.getInteger("synod.faults.nodes", 3);
    private static final Long SEED = Long.getLong("synod.faults.seed");

    @TempDir
    Path root;

    private FaultRun.Outcome run(String name, long defaultSeed, List<FaultRun.Fault> faults, int keys, String... serverArgs)
            throws Exception {
        return run(name, defaultSeed, faults, keys, run -> { }, serverArgs);
    }

    /** {@code after} runs once the run is checked, before its processes stop. */
    private FaultRun.Outcome run(String name, long defaultSeed, List<FaultRun.Fault> faults, int keys,
                                 ThrowingConsumer<FaultRun> after, String... serverArgs) throws Exception {
        long seed = SEED != null ? SEED : defaultSeed;
        try (FaultRun run = new FaultRun(name, root, NODES, seed, serverArgs)) {
            FaultRun.Outcome outcome = run.run(Duration.ofSeconds(SECONDS), 6, keys, faults);
            report(outcome, seed, run.log());
            after.accept(run);
            return outcome;
        }
    }

    private interface ThrowingConsumer<T> {
        void accept(T value) throws Exception;
    }

    private static void report(FaultRun.Outcome outcome, long seed, List<String> log) throws IOException {
        String header = "| scenario | nodes | faults phase | operations | lease reads | indeterminate | faults injected"
                + " | result |\n|---|---|---|---|---|---|---|---|\n";
        System.out.println(header + outcome.row() + "\nseed " + seed + "; nemesis:\n" + String.join("\n", log)
                + (outcome.check().linearizable() ? "" : "\n" + outcome.check()));
        Path summary = Path.of("target", "faults", "summary.md");
        Files.createDirectories(summary.getParent());
        if (!Files.exists(summary)) {
            Files.writeString(summary, header, StandardCharsets.UTF_8);
        }
        Files.writeString(summary, outcome.row() + " seed " + seed + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    @Test
    void crashesAndRestartsOfAnyNodeAndTheLeader() throws Exception {
        FaultRun.Outcome outcome = run("crashes", 1, List.of(KILL, KILL_LEADER), 20);
        assertTrue(outcome.passed(), outcome.row() + "\n" + outcome.check());
        assertTrue(outcome.faults() > 0);
    }

    @Test
    void partitionsBridgesLeaderIsolationOneWayLossAndClockSkew() throws Exception {
        List<FaultRun.Fault> kinds = List.of(PARTITION, ISOLATE_LEADER, BRIDGE, ONE_WAY, CLOCK_SKEW);
        FaultRun.Outcome outcome = run("partitions", 2, kinds, 20);
        assertTrue(outcome.passed(), outcome.row() + "\n" + outcome.check());
        assertEveryKindRan(outcome, kinds);
        assertTrue(outcome.leaseReads() > 0, "no lease read answered, so clock skew was not tested: " + outcome.row());
    }

    @Test
    void pausesLongerThanTheElectionTimeoutSlowLinksAndClockSkew() throws Exception {
        List<FaultRun.Fault> kinds = List.of(PAUSE, DELAY, KILL_LEADER, CLOCK_SKEW);
        FaultRun.Outcome outcome = run("pauses", 3, kinds, 20);
        assertTrue(outcome.passed(), outcome.row() + "\n" + outcome.check());
        assertEveryKindRan(outcome, kinds);
        assertTrue(outcome.leaseReads() > 0, "no lease read answered, so clock skew was not tested: " + outcome.row());
    }

    /**
     * Issue 10's scenario: while clients run, a node (the leader half the time) is killed and replaced
     * by a new node id started with --join — added as a learner, promoted once it has caught up, the
     * dead one removed — in rounds with leader kills; the history stays linearizable, the replicas
     * converge, and the group's voters are the replacements.
     */
    @Test
    void killedNodesAreReplacedByNewOnesWhileClientsRun() throws Exception {
        FaultRun.Outcome outcome = run("replace", 5, List.of(REPLACE, KILL_LEADER), 20, run -> {
            java.util.Set<Integer> voters = NodeReplacement.voters(run.processes().httpAddresses(), run.ids());
            assertEquals(new java.util.TreeSet<>(run.ids()), voters, "the group's voters are the live members");
            assertTrue(run.ids().stream().anyMatch(id -> id > NODES), "a new node took a killed one's place: " + voters);
        });
        assertTrue(outcome.passed(), outcome.row() + "\n" + outcome.check());
        assertTrue(outcome.injected().getOrDefault(REPLACE, 0) >= 1, "no node was replaced: " + outcome.row());
    }

    /** The nemesis deals the kinds in shuffled rounds, each once per round: a full round ran them all. */
    private static void assertEveryKindRan(FaultRun.Outcome outcome, List<FaultRun.Fault> kinds) {
        if (outcome.faults() >= kinds.size()) {
            assertTrue(outcome.injected().keySet().containsAll(kinds), "not every kind of " + kinds + " ran: "
                    + outcome.row());
        }
    }

    /** The checker must be able to fail: nodes that answer reads from their own state are caught. */
    @Test
    void nodesServingReadsWithoutALeaseOrQuorumAreReportedNonLinearizable() throws Exception {
        FaultRun.Outcome outcome = run("unsafe-stale-reads", 4, List.of(PARTITION), 3, "--unsafe-stale-reads");
        assertEquals(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE, outcome.check().verdict(),
                "stale reads from partitioned nodes went unnoticed: " + outcome.row());
    }
}
