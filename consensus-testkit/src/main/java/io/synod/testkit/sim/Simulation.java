package io.synod.testkit.sim;

import io.synod.core.protocol.Membership;
import io.synod.core.protocol.MembershipHistory;
import io.synod.core.protocol.ProtocolConfig;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One deterministic run: N replicas, clients, a network and disks, all in one thread and driven by
 * one seed. Phases: faults for {@code faultPhaseMicros} while clients work; then everything heals,
 * clients stop starting operations and every outstanding one must complete within
 * {@code healBoundMicros}; then the replicas must converge. The {@link SafetyChecker} watches
 * throughout; a run stops at the first violation.
 *
 * <p>Replay any run with {@code -Dsynod.sim.seed=<seed>} (see SimulationTest, in this module's tests).
 */
public final class Simulation {
    static final long GROUP_ID = 7;
    static final long TICK_MICROS = 10 * SimScenario.MILLI;
    private static final int TRACE_LINES = 400;

    final SimScenario scenario;
    final SimModel model;
    final ReplicaFactory factory;
    final EventLoop loop = new EventLoop();
    final SimRandom random;
    final SimNetwork network;
    final SafetyChecker checker;
    final ReadChecker reads;
    final List<SimNode> nodes = new ArrayList<>();
    final List<SimClient> clients = new ArrayList<>();
    final Nemesis nemesis;
    long leaderElections;
    private final boolean printTrace;
    private final ArrayDeque<String> trace = new ArrayDeque<>();

    Simulation(SimScenario asked, SimModel model, ReplicaFactory factory, boolean printTrace) {
        // A machine that takes no snapshots runs the seed's faults without them.
        SimScenario scenario = model.snapshots() ? asked : asked.withoutSnapshots();
        this.scenario = scenario;
        this.model = model;
        this.factory = factory;
        this.reads = new ReadChecker(model.placements().get());
        this.printTrace = printTrace;
        this.random = new SimRandom(scenario.seed());
        this.network = new SimNetwork(loop, random.fork(), scenario.nodes());
        ProtocolConfig base = protocolConfig(scenario, 1);
        this.checker = new SafetyChecker(GROUP_ID,
                new MembershipHistory(base.initialMembership(), base.membershipActivationSlots()), model);
        for (int id = 1; id <= scenario.nodes(); id++) {
            double rate = scenario.clockSkew() ? Math.pow(scenario.clockRateSpread(), random.nextDouble() * 2 - 1) : 1.0;
            long tick = Math.round(TICK_MICROS * rate);
            nodes.add(new SimNode(id, protocolConfig(scenario, id), this, tick));
        }
        network.onDeliver(message -> nodes.get(message.to() - 1).receive(message));
        // A forwarded command delivered twice is proposed twice, like a client retry: the protocol may
        // choose it twice (sessions, above the protocol, make that harmless), and the checker must know.
        network.onDuplicate(message -> {
            if (message instanceof io.synod.core.protocol.Message.Forward forward) {
                checker.onProposed(forward.command(), true);
            }
        });
        for (int id = 1; id <= scenario.clients(); id++) {
            clients.add(new SimClient(id, this, scenario.clientTimeoutMicros()));
        }
        this.nemesis = new Nemesis(this, scenario);
    }

    /** Runs the scenario with the correct protocol. */
    public static SimResult run(long seed) {
        return run(SimScenario.fromSeed(seed), ReplicaFactory.CORRECT, false);
    }

    static SimResult run(SimScenario scenario, ReplicaFactory factory, boolean printTrace) {
        return run(scenario, SimModel.LIST_APPEND, factory, printTrace);
    }

    static SimResult run(SimScenario scenario, SimModel model, ReplicaFactory factory, boolean printTrace) {
        return new Simulation(scenario, model, factory, printTrace).run();
    }

    static ProtocolConfig protocolConfig(SimScenario scenario, int nodeId) {
        Set<Integer> members = new TreeSet<>();
        for (int id = 1; id <= scenario.replicas(); id++) {
            members.add(id);
        }
        return ProtocolConfig.builder()
                .groupId(GROUP_ID).nodeId(nodeId).members(members).joining(nodeId > scenario.replicas())
                .membershipActivationSlots(scenario.membershipActivationSlots())
                .quorumSizes(scenario.phase1Quorum(), scenario.phase2Quorum())
                .pipelineWindow(8).maxBatchCommands(4).maxBatchBytes(256)
                .heartbeatIntervalTicks(3).electionTimeoutTicks(15).maxElectionBackoffTicks(120)
                .retransmitTicks(5).catchUpBatchSlots(16).maxClockDrift(scenario.maxClockDrift())
                .retainedAppliedSlots(scenario.retainedAppliedSlots())
                // A leader cut off from its quorum keeps believing it leads for a second instead of
                // one election timeout: long after a successor is elected and clients have moved
                // to it, so reads that skip a safety rule come out stale where the checker sees them.
                .leaderQuorumTimeoutTicks(scenario.lingeringLeaders() ? 100 : 0)
                .build();
    }

    private SimResult run() {
        for (SimNode node : nodes) {
            node.start();
        }
        for (SimClient client : clients) {
            loop.after(random.between(0, 50 * SimScenario.MILLI), client::issueNext);
        }
        nemesis.start();

        loop.runUntil(scenario.faultPhaseMicros(), checker::failed);
        if (!checker.failed()) {
            nemesis.healAll();
            clients.forEach(SimClient::stopIssuing);
            long healedAt = loop.nowMicros();
            loop.runUntil(healedAt + scenario.healBoundMicros(), () -> checker.failed() || allClientsIdle());
            if (!checker.failed() && !allClientsIdle()) {
                checker.violation("liveness: %d client operation(s) still outstanding %d ms after every fault healed",
                        clients.stream().filter(c -> !c.idle()).count(), scenario.healBoundMicros() / 1000);
            }
        }
        if (!checker.failed()) {
            // Quiet for longer than any message can be in flight: a late, duplicated forward may
            // still be chosen after the clients are done (it counts as a resend), and the replicas
            // must have converged after that too.
            loop.runUntil(loop.nowMicros() + SimNetwork.MAX_DELAY_MICROS + 3 * SimScenario.SECOND, checker::failed);
            checkConverged();
        }
        if (!checker.failed()) {
            checker.checkAcknowledgedResults();
        }
        if (!checker.failed()) {
            reads.check(checker.sequence(), v -> checker.violation("%s", v));
        }
        if (checker.failed() && printTrace) {
            trace.forEach(System.out::println);
        }
        return new SimResult(this);
    }

    private boolean allClientsIdle() {
        for (SimClient client : clients) {
            if (!client.idle()) {
                return false;
            }
        }
        return true;
    }

    /** Every member (voter or learner) has learned every chosen slot; nodes outside the group are not asked. */
    private void checkConverged() {
        SimNode ahead = nodes.get(0);
        for (SimNode node : nodes) {
            if (node.replica().firstUnchosenSlot() > ahead.replica().firstUnchosenSlot()) {
                ahead = node;
            }
        }
        long highest = ahead.replica().firstUnchosenSlot();
        Set<Integer> members = new TreeSet<>();
        for (Membership m : ahead.replica().memberships().inForceFrom(highest)) {
            members.addAll(m.members());
        }
        for (SimNode node : nodes) {
            if (members.contains(node.id) && node.replica().firstUnchosenSlot() != highest) {
                checker.violation("liveness: node %d knows slots below %d chosen, others below %d, 8 s after the run",
                        node.id, node.replica().firstUnchosenSlot(), highest);
            }
        }
    }

    void toServer(Runnable request) {
        loop.after(random.between(100, 2 * SimScenario.MILLI), request);
    }

    void toClient(Runnable response) {
        loop.after(random.between(100, 2 * SimScenario.MILLI), response);
    }

    void trace(String format, Object... args) {
        if (!printTrace) {
            return;
        }
        trace.add(String.format("%9.3f ms  ", loop.nowMicros() / 1000.0) + String.format(format, args));
        if (trace.size() > TRACE_LINES) {
            trace.poll();
        }
    }
}
