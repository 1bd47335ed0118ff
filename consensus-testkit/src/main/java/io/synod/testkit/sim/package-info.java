/**
 * Synod's deterministic simulator. The API for embedders is {@link io.synod.testkit.sim.Simulator}
 * (with {@link io.synod.testkit.sim.Workload} and {@link io.synod.testkit.sim.SimulationReport}):
 * run your own state machine, replicated by the real protocol, under simulated faults, every run
 * checked. Everything else here — including the public {@code Simulation}, {@code SimResult} and
 * {@code ReplicaFactory}, which Synod's own tests and {@code synod simulate} use — is internal and
 * may change without notice.
 */
package io.synod.testkit.sim;
