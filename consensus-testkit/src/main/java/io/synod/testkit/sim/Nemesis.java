package io.synod.testkit.sim;

import io.synod.core.protocol.Ballot;
import io.synod.core.protocol.Membership;
import io.synod.core.protocol.Replica;
import io.synod.core.protocol.Value;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Injects the scenario's faults at random moments of the fault phase, then heals everything:
 * partitions (symmetric, one-way, isolating the leader), crashes with restart from durable state,
 * process pauses, and slow disks. Message loss, duplication and reordering are set on the network for the phase.
 */
final class Nemesis {
    private final Simulation sim;
    private final SimScenario scenario;
    private final SimRandom random;
    private final List<Runnable> actions = new ArrayList<>();
    private int partitionGeneration;
    /** Membership change request ids: far from the clients' command ids, so a refusal is never taken for a command's. */
    private long nextChangeId = Long.MIN_VALUE / 2;
    private long faultsInjected;

    Nemesis(Simulation sim, SimScenario scenario) {
        this.sim = sim;
        this.scenario = scenario;
        this.random = sim.random.fork();
        if (scenario.partitions()) {
            actions.add(this::partition);
        }
        if (scenario.oneWayPartitions()) {
            actions.add(this::oneWay);
        }
        if (scenario.leaderIsolation()) {
            actions.add(this::isolateLeader);
        }
        if (scenario.crashes()) {
            actions.add(this::crash);
        }
        if (scenario.slowDisk()) {
            actions.add(this::slowDisk);
        }
        if (scenario.pauses()) {
            actions.add(this::pause);
        }
        if (scenario.clockSkew()) {
            actions.add(this::changeClockRate);
        }
        if (scenario.reconfigurations()) {
            actions.add(this::reconfigure);
        }
    }

    long faultsInjected() {
        return faultsInjected;
    }

    void start() {
        sim.network.setFaults(scenario.dropRate(), scenario.duplicateRate(), scenario.longDelayRate());
        if (scenario.leaseTrap()) {
            sim.loop.after(2 * SimScenario.SECOND, this::springLeaseTrap);
        }
        if (!actions.isEmpty()) {
            scheduleNext();
        }
    }

    private void scheduleNext() {
        sim.loop.after(random.between(100 * SimScenario.MILLI, 1500 * SimScenario.MILLI), () -> {
            if (sim.loop.nowMicros() >= scenario.faultPhaseMicros()) {
                return;
            }
            faultsInjected++;
            random.pick(actions).run();
            scheduleNext();
        });
    }

    /** End of the fault phase: every link, disk and server back to health. */
    void healAll() {
        partitionGeneration++;
        sim.network.healAll();
        sim.network.setFaults(0, 0, 0);
        for (SimNode node : sim.nodes) {
            node.disk().setSlow(false);
            node.resume();
            if (!node.isUp()) {
                node.start();
            }
        }
        sim.trace("nemesis: heal all");
    }

    private long faultDuration() {
        return random.between(200 * SimScenario.MILLI, 3 * SimScenario.SECOND);
    }

    private void partition() {
        int n = sim.nodes.size();
        List<Integer> sideA = new ArrayList<>();
        for (int node = 1; node <= n; node++) {
            if (random.chance(0.5)) {
                sideA.add(node);
            }
        }
        if (sideA.isEmpty() || sideA.size() == n) {
            sideA = List.of(1 + random.nextInt(n));
        }
        int generation = newPartition();
        for (int a : sideA) {
            for (int b = 1; b <= n; b++) {
                if (!sideA.contains(b)) {
                    sim.network.cut(a, b);
                    sim.network.cut(b, a);
                }
            }
        }
        sim.trace("nemesis: partition %s | rest", sideA);
        healLater(generation);
    }

    private void oneWay() {
        int n = sim.nodes.size();
        int generation = newPartition();
        int links = 1 + random.nextInt(3);
        StringBuilder cut = new StringBuilder();
        for (int i = 0; i < links; i++) {
            int from = 1 + random.nextInt(n);
            int to = 1 + random.nextInt(n);
            if (from != to) {
                sim.network.cut(from, to);
                cut.append(' ').append(from).append("->").append(to);
            }
        }
        sim.trace("nemesis: one-way cut%s", cut);
        healLater(generation);
    }

    private void isolateLeader() {
        SimNode leader = currentLeader();
        if (leader == null) {
            return;
        }
        int generation = newPartition();
        sim.network.isolate(leader.id);
        sim.trace("nemesis: isolate leader %d", leader.id);
        healLater(generation);
    }

    private void crash() {
        SimNode victim = random.chance(0.5) && currentLeader() != null
                ? currentLeader()
                : sim.nodes.get(random.nextInt(sim.nodes.size()));
        if (!victim.isUp()) {
            return;
        }
        victim.crash();
        sim.loop.after(random.between(50 * SimScenario.MILLI, 3 * SimScenario.SECOND), () -> {
            if (!victim.isUp()) {
                victim.start();
            }
        });
    }

    private void slowDisk() {
        SimNode node = sim.nodes.get(random.nextInt(sim.nodes.size()));
        node.disk().setSlow(true);
        sim.trace("nemesis: slow disk on node %d", node.id);
        sim.loop.after(faultDuration(), () -> node.disk().setSlow(false));
    }

    /** A stop-the-world pause (GC, SIGSTOP, VM migration), most often of the leader. */
    private void pause() {
        SimNode victim = random.chance(0.6) && currentLeader() != null
                ? currentLeader()
                : sim.nodes.get(random.nextInt(sim.nodes.size()));
        victim.pause(random.between(100 * SimScenario.MILLI, 3 * SimScenario.SECOND));
    }

    /**
     * A node's clock changes rate, within the scenario's range; most often the leader's, slowed:
     * the case leases must survive (a leader whose clock runs slow believes in its lease longest).
     */
    private void changeClockRate() {
        SimNode leader = currentLeader();
        double exponent;
        SimNode node;
        if (leader != null && random.chance(0.6)) {
            node = leader;
            exponent = 0.5 + random.nextDouble() / 2; // slower: longer ticks
        } else {
            node = sim.nodes.get(random.nextInt(sim.nodes.size()));
            exponent = random.nextDouble() * 2 - 1;
        }
        node.setTickMicros(Math.round(Simulation.TICK_MICROS * Math.pow(scenario.clockRateSpread(), exponent)));
    }

    /**
     * Asks the leader to change the membership: add a learner, promote one, remove or demote a
     * voter, or replace a voter with a learner (or, to be refused, with a non-member), between one
     * and five voters. Interleaved with
     * the other faults like any of them; the leader may be about to fall, the change may be refused.
     */
    private void reconfigure() {
        SimNode leader = currentLeader();
        if (leader == null) {
            return;
        }
        Membership latest = leader.replica().memberships().latest();
        TreeSet<Integer> voters = new TreeSet<>(latest.voters().members());
        TreeSet<Integer> learners = new TreeSet<>(latest.learners());
        List<Integer> outsiders = new ArrayList<>();
        for (SimNode node : sim.nodes) {
            if (!latest.isMember(node.id)) {
                outsiders.add(node.id);
            }
        }
        switch (random.nextInt(5)) {
            case 0 -> {
                if (!outsiders.isEmpty()) {
                    learners.add(random.pick(outsiders));
                }
            }
            case 1 -> {
                if (!learners.isEmpty() && voters.size() < 5) {
                    int promoted = random.pick(List.copyOf(learners));
                    learners.remove(promoted);
                    voters.add(promoted);
                }
            }
            case 2 -> {
                if (voters.size() > 1) {
                    voters.remove(random.pick(List.copyOf(voters)));
                }
            }
            case 3 -> {
                // Replace a voter, most often with a learner; sometimes with a node that never
                // received the log, which the protocol must refuse.
                List<Integer> candidates = new ArrayList<>(learners);
                if (candidates.isEmpty() || random.chance(0.2)) {
                    candidates.addAll(outsiders);
                }
                if (!candidates.isEmpty()) {
                    int added = random.pick(candidates);
                    voters.remove(random.pick(List.copyOf(voters)));
                    learners.remove(added);
                    voters.add(added);
                }
            }
            default -> {
                if (!learners.isEmpty()) {
                    learners.remove(random.pick(List.copyOf(learners)));
                } else if (voters.size() > 1) {
                    int demoted = random.pick(List.copyOf(voters));
                    voters.remove(demoted);
                    learners.add(demoted);
                }
            }
        }
        if (voters.equals(new TreeSet<>(latest.voters().members())) && learners.equals(latest.learners())) {
            return;
        }
        Value.Reconfigure change = new Value.Reconfigure(nextChangeId++, latest.epoch(), voters, learners, java.util.Map.of());
        sim.trace("nemesis: node %d asked to change %s to voters %s learners %s", leader.id, latest, voters, learners);
        leader.proposeChange(change);
    }

    /** See {@link SimScenario#leaseTrap}. */
    private void springLeaseTrap() {
        SimNode leader = currentLeader();
        if (leader == null) {
            sim.loop.after(100 * SimScenario.MILLI, this::springLeaseTrap);
            return;
        }
        faultsInjected++;
        for (SimNode node : sim.nodes) {
            double rate = node == leader ? scenario.clockRateSpread() : 1 / scenario.clockRateSpread();
            node.setTickMicros(Math.round(Simulation.TICK_MICROS * rate));
        }
        sim.clients.get(0).target(leader.id);
        // The writers go to the other side, so a successor's acknowledged writes come early in
        // the old leader's lease, not after a client timeout.
        for (int c = 1; c < sim.clients.size(); c++) {
            sim.clients.get(c).target(leader.id % sim.nodes.size() + 1);
        }
        int generation = newPartition();
        sim.network.isolate(leader.id);
        sim.trace("nemesis: lease trap: leader %d slowed and isolated", leader.id);
        sim.loop.after(1500 * SimScenario.MILLI, () -> {
            if (generation == partitionGeneration) {
                sim.network.healAll();
            }
        });
    }

    private int newPartition() {
        sim.network.healAll();
        return ++partitionGeneration;
    }

    private void healLater(int generation) {
        sim.loop.after(faultDuration(), () -> {
            if (generation == partitionGeneration) {
                sim.network.healAll();
                sim.trace("nemesis: partition healed");
            }
        });
    }

    /** The live replica leading with the highest ballot, or null. */
    SimNode currentLeader() {
        SimNode best = null;
        Ballot bestBallot = null;
        for (SimNode node : sim.nodes) {
            if (node.isUp() && node.replica().role() == Replica.Role.LEADER) {
                Ballot ballot = node.replica().ownBallot();
                if (bestBallot == null || ballot.isAbove(bestBallot)) {
                    best = node;
                    bestBallot = ballot;
                }
            }
        }
        return best;
    }
}
