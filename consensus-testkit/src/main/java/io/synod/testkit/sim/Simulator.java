package io.synod.testkit.sim;

import io.synod.core.api.StateMachine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Runs your {@link StateMachine} in Synod's deterministic simulator: a group of 3 or 5 replicas of
 * the real protocol, in one thread, on a simulated network and disks, under partitions, message
 * loss, duplication and reordering, crashes and restarts, torn journal writes, slow disks, process
 * pauses and clock drift — each run chosen by one seed, and replayed exactly by it.
 *
 * <p>Every run is checked from outside: the protocol's safety properties (one value per slot, one
 * sequence on every replica, nothing lost that was acknowledged); that every result a client
 * received is what your machine gives when the agreed sequence of commands is applied to a fresh
 * instance — which also catches a machine that is not deterministic, or whose snapshots lose or
 * change state; that every read outside the log (read index or lease) returned what the agreed
 * state held at one point within the read's real-time interval (linearizability); and that the
 * group converges and answers every client once the faults heal.
 *
 * <pre>{@code
 * Simulator simulator = Simulator.forStateMachine(KvMachine::new)
 *         .workload(new Workload() {
 *             public byte[] command(Random random, int client) {
 *                 return ("put k" + random.nextInt(3) + " v" + random.nextInt(100)).getBytes(UTF_8);
 *             }
 *             public byte[] query(Random random, int client) {
 *                 return ("get k" + random.nextInt(3)).getBytes(UTF_8);
 *             }
 *         })
 *         .build();
 * simulator.check(1, 200);      // seeds 1..200; throws AssertionError naming the first failing seed
 * simulator.replay(137);        // one seed again, printing the trace of events before a violation
 * }</pre>
 *
 * <p>Your machine must keep the {@link StateMachine} contract: deterministic {@code apply}, a
 * {@code query} that changes nothing, and {@code snapshot}/{@code restore} that round-trip the
 * whole state (a machine whose fresh instance returns a null snapshot is run without snapshots).
 * The factory must return a new, empty instance on every call. A run takes about 0.1–0.5 s.
 */
public final class Simulator {
    private final SimModel model;

    private Simulator(SimModel model) {
        this.model = model;
    }

    /** Starts describing a simulation of the state machine that {@code factory} creates (a new instance per call). */
    public static Builder forStateMachine(Supplier<? extends StateMachine> factory) {
        return new Builder(Objects.requireNonNull(factory, "factory"));
    }

    /**
     * Runs seed {@code seed}. An exception thrown by your state machine or workload (other than
     * from {@code apply}/{@code query}, which count as results) ends the run as a failure naming it;
     * {@link #replay} rethrows it with its stack trace.
     */
    public SimulationReport run(long seed) {
        try {
            return SimulationReport.of(Simulation.run(SimScenario.fromSeed(seed), model, ReplicaFactory.CORRECT, false));
        } catch (RuntimeException e) {
            return new SimulationReport(seed, SimScenario.fromSeed(seed).toString(),
                    List.of("the run stopped on an exception from the state machine or workload: " + e
                            + " (replay the seed for its stack trace)"), 0, 0, 0, 0, 0, 0, 0);
        }
    }

    /** Runs seed {@code seed} again and, if it fails, prints the last few hundred events that led there. */
    public SimulationReport replay(long seed) {
        return SimulationReport.of(Simulation.run(SimScenario.fromSeed(seed), model, ReplicaFactory.CORRECT, true));
    }

    /**
     * Runs seeds {@code firstSeed} to {@code firstSeed + seeds - 1} and returns their reports.
     *
     * @throws AssertionError at the first seed that fails, with its violation and how to replay it
     */
    public List<SimulationReport> check(long firstSeed, int seeds) {
        if (seeds < 1) {
            throw new IllegalArgumentException("seeds must be at least 1, got " + seeds);
        }
        List<SimulationReport> reports = new ArrayList<>(seeds);
        for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
            SimulationReport report = run(seed);
            reports.add(report);
            if (!report.passed()) {
                throw new AssertionError("seed " + seed + " failed: " + report.violations().get(0) + "\n  run: " + report
                        + "\n  replay it with Simulator.replay(" + seed + "L)");
            }
        }
        return reports;
    }

    /** Configures a {@link Simulator}. */
    public static final class Builder {
        private final Supplier<? extends StateMachine> factory;
        private Workload workload;
        private boolean compareSnapshotBytes;

        private Builder(Supplier<? extends StateMachine> factory) {
            this.factory = factory;
        }

        /** What the clients do (required). */
        public Builder workload(Workload workload) {
            this.workload = Objects.requireNonNull(workload, "workload");
            return this;
        }

        /**
         * Also compare every snapshot, byte for byte, with a snapshot of the agreed state at its slot.
         * Only for machines whose snapshots of equal states are equal bytes (sorted maps, say, not a
         * {@code HashMap} written in iteration order). Off by default: snapshots are then checked
         * through the results the restored machines give.
         */
        public Builder compareSnapshotBytes(boolean compare) {
            this.compareSnapshotBytes = compare;
            return this;
        }

        public Simulator build() {
            if (workload == null) {
                throw new IllegalStateException("a Simulator needs a workload: call workload(...) with the commands"
                        + " (and, optionally, queries) its clients send");
            }
            boolean snapshots = UserMachine.takesSnapshots(factory);
            Supplier<UserMachine> machines = () -> new UserMachine(factory, compareSnapshotBytes);
            return new Simulator(new SimModel("user", machines, new UserWorkload(workload),
                    () -> new ReplayPlacement(machines, snapshots), snapshots));
        }
    }
}
