package io.synod.examples.faults;

import io.synod.examples.cli.ExampleServer;
import io.synod.examples.demo.LocalProcesses;
import io.synod.examples.http.ExampleClient;
import io.synod.testkit.LinearizabilityChecker;
import io.synod.testkit.Operation;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One fault-injection run against real processes: {@code nodes} kv servers, each link between
 * them through a {@link FaultProxy}; concurrent clients recording a history; a nemesis injecting
 * the chosen faults on a random schedule; then every fault healed, every node brought back, and
 * the checks: all replicas converge to the same state, and the history (with a final read of every
 * key on every node) is linearizable. The history is written to {@code target/faults/NAME.jsonl}.
 * The nodes run with the clock-rate test hook, for {@link Fault#CLOCK_SKEW}. {@link Fault#REPLACE}
 * changes the group's membership: a killed node is replaced by a new one (with a new id), which the
 * clients then use too.
 */
final class FaultRun implements AutoCloseable {

    /**
     * The faults a run may inject. REPLACE: kill -9 a node (the leader half the time) and replace it
     * by a new node id started with --join (added as a learner, promoted once caught up, the dead
     * one removed). New nodes talk to the others directly, not through the proxy, so REPLACE goes
     * only with the process faults (KILL, KILL_LEADER, PAUSE).
     */
    enum Fault { KILL, KILL_LEADER, PAUSE, PARTITION, ISOLATE_LEADER, BRIDGE, ONE_WAY, DELAY, CLOCK_SKEW, REPLACE;

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** What a run did and found. */
    record Outcome(String name, int nodes, long seconds, long operations, long leaseReads, long indeterminate,
                   Map<Fault, Integer> injected, LinearizabilityChecker.Result check, String convergence) {
        boolean passed() {
            return check.linearizable() && convergence == null;
        }

        long faults() {
            return injected.values().stream().mapToLong(Integer::longValue).sum();
        }

        String row() {
            List<String> kinds = new ArrayList<>();
            injected.forEach((kind, n) -> kinds.add(kind.label() + " " + n));
            return String.format("| %s | %d | %d s | %,d | %,d | %,d | %d (%s) | %s |", name, nodes, seconds, operations,
                    leaseReads, indeterminate, faults(), String.join(", ", kinds), passed() ? "linearizable, converged"
                            : check.verdict() + (convergence == null ? "" : "; " + convergence));
        }
    }

    private final String name;
    private final int nodes;
    private final LocalProcesses processes;
    private final FaultProxy proxy;
    private final Recorder recorder = new Recorder();
    private final Random random;
    /** Which fault comes next: a stream of its own, so the sequence of kinds depends on the seed alone. */
    private final Random schedule;
    /** The kinds still to come in this round: each kind once per round, in shuffled order. */
    private final List<Fault> round = new ArrayList<>();
    private final ClockSkew clocks;
    /** The nodes' drift bound (they run with the example defaults): the skew nemesis stays inside it. */
    private final double maxClockDrift = ExampleServer.defaultOptions().maxClockDrift();
    private final Set<Integer> down = new HashSet<>();
    private final Set<Integer> paused = new HashSet<>();
    private final List<String> log = new ArrayList<>();
    private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
    /** The group's voters now: 1..nodes, until REPLACE swaps one for a new id. */
    private final List<Integer> members = new ArrayList<>();
    /** The servers the clients use: the members' HTTP addresses. */
    private final List<java.net.InetSocketAddress> clientServers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private int nextNodeId;

    FaultRun(String name, Path root, int nodes, long seed, String... serverArgs) {
        this.name = name;
        this.nodes = nodes;
        this.random = new Random(seed);
        this.schedule = new Random(~seed);
        this.processes = new LocalProcesses(root, "kv", nodes);
        this.proxy = new FaultProxy(processes.consensusAddresses(), LocalProcesses.freePorts(nodes * (nodes - 1)).iterator());
        this.clocks = new ClockSkew(processes.httpAddresses());
        processes.routeThrough(proxy::address);
        processes.extraServerArgs("--test-clock-rate-hook");
        processes.extraServerArgs(serverArgs);
        for (int id = 1; id <= nodes; id++) {
            processes.start(id);
            members.add(id);
        }
        nextNodeId = nodes + 1;
        clientServers.addAll(processes.httpList());
    }

    LocalProcesses processes() {
        return processes;
    }

    FaultProxy proxy() {
        return proxy;
    }

    /** Clients run for {@code duration} while the nemesis injects {@code kinds}; then heal and check. */
    Outcome run(Duration duration, int clients, int keys, List<Fault> kinds) throws Exception {
        if (kinds.contains(Fault.REPLACE) && !List.of(Fault.REPLACE, Fault.KILL, Fault.KILL_LEADER, Fault.PAUSE).containsAll(kinds)) {
            throw new IllegalArgumentException("REPLACE goes only with KILL, KILL_LEADER and PAUSE (new nodes bypass the proxy): " + kinds);
        }
        awaitLeader(List.copyOf(ids()), Duration.ofSeconds(60));
        KvClients load = new KvClients(clientServers, recorder, keys);
        load.start(clients, random.nextLong());
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end && !kinds.isEmpty()) {
            sleep(1_000 + random.nextInt(2_000));
            Fault fault = nextFault(kinds);
            inject(fault);
            sleep(1_500 + random.nextInt(2_500));
            healAll();
        }
        if (kinds.isEmpty()) {
            sleep(duration.toMillis());
        }
        healAll();
        sleep(3_000); // the cluster settles with clients still running
        load.stopAndJoin();
        String convergence = converge(keys);
        Path history = Path.of("target", "faults", name + ".jsonl");
        recorder.write(history);
        LinearizabilityChecker.Result check = new LinearizabilityChecker(Duration.ofSeconds(120)).check(recorder.operations());
        return new Outcome(name, nodes, duration.toSeconds(), recorder.count(o -> true), load.leaseReads(),
                recorder.count(Operation::indeterminate), new EnumMap<>(injected), check, convergence);
    }

    private Fault nextFault(List<Fault> kinds) {
        if (round.isEmpty()) {
            round.addAll(kinds);
            Collections.shuffle(round, schedule);
        }
        return round.remove(round.size() - 1);
    }

    List<String> log() {
        return log;
    }

    /** The group's voters now. */
    List<Integer> ids() {
        return new ArrayList<>(members);
    }

    private void inject(Fault fault) throws Exception {
        injected.merge(fault, 1, Integer::sum);
        List<Integer> all = ids();
        int leader = currentLeader();
        switch (fault) {
            case KILL -> kill(all.get(random.nextInt(nodes)));
            case KILL_LEADER -> kill(leader != 0 ? leader : all.get(random.nextInt(nodes)));
            case PAUSE -> {
                int victim = leader != 0 && random.nextBoolean() ? leader : all.get(random.nextInt(nodes));
                signal(victim, "STOP");
                paused.add(victim);
                note("pause node " + victim + " (SIGSTOP)");
            }
            case PARTITION -> {
                List<Integer> shuffled = new ArrayList<>(all);
                java.util.Collections.shuffle(shuffled, random);
                List<Integer> minority = shuffled.subList(0, (nodes - 1) / 2);
                for (int a : minority) {
                    for (int b : all) {
                        if (!minority.contains(b)) {
                            proxy.cut(a, b);
                            proxy.cut(b, a);
                        }
                    }
                }
                note("partition " + minority + " from the rest");
            }
            case ISOLATE_LEADER -> {
                int victim = leader != 0 ? leader : all.get(random.nextInt(nodes));
                isolate(victim);
                note("isolate the leader, node " + victim);
            }
            case BRIDGE -> {
                // Two halves that cannot talk, and one node (the bridge) that talks to both.
                List<Integer> shuffled = new ArrayList<>(all);
                java.util.Collections.shuffle(shuffled, random);
                int bridge = shuffled.get(0);
                List<Integer> rest = shuffled.subList(1, nodes);
                List<Integer> left = rest.subList(0, rest.size() / 2);
                for (int a : left) {
                    for (int b : rest) {
                        if (!left.contains(b)) {
                            proxy.cut(a, b);
                            proxy.cut(b, a);
                        }
                    }
                }
                note("bridge partition through node " + bridge + ": " + left + " | " + rest.subList(rest.size() / 2, rest.size()));
            }
            case ONE_WAY -> {
                int from = all.get(random.nextInt(nodes));
                int to = all.get((all.indexOf(from) + 1 + random.nextInt(nodes - 1)) % nodes);
                proxy.cut(from, to);
                note("one-way loss " + from + " -> " + to);
            }
            case DELAY -> {
                long millis = 50 + random.nextInt(200);
                for (int a : all) {
                    for (int b : all) {
                        if (a != b && random.nextBoolean()) {
                            proxy.delay(a, b, millis);
                        }
                    }
                }
                note("delay about half the links by " + millis + " ms");
            }
            case CLOCK_SKEW -> skewClocks(leader);
            case REPLACE -> replace(leader != 0 && random.nextBoolean() ? leader : all.get(random.nextInt(nodes)));
        }
    }

    /** Kills {@code victim} for good and puts a new node in its place (see {@link NodeReplacement}). */
    private void replace(int victim) throws Exception {
        awaitEveryMemberAnswers(Duration.ofSeconds(30)); // nodes the last round restarted are back
        int successor = nextNodeId++;
        processes.kill(victim);
        clientServers.remove(processes.httpAddresses().get(victim));
        note("kill -9 node " + victim + ", to be replaced by the new node " + successor);
        new NodeReplacement(processes, this::note).replace(victim, successor, ids());
        members.set(members.indexOf(victim), successor);
        clientServers.add(processes.httpAddresses().get(successor));
    }

    private void awaitEveryMemberAnswers(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (members.stream().anyMatch(id -> processes.status(id) == null)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not every member of " + members + " answers /status after " + timeout.toSeconds() + " s");
            }
            sleep(100);
        }
    }

    /**
     * Half the time the case leases must survive: the leader's clock the slowest, the others the
     * fastest, and the leader cut off, so the others elect a new leader as early as their clocks let
     * them while clients still ask the old one for lease reads. Otherwise random rates, no cut.
     */
    private void skewClocks(int leader) throws Exception {
        boolean trap = leader != 0 && random.nextBoolean();
        String rates = clocks.skew(ClockSkew.pickRates(ids(), trap ? leader : 0, maxClockDrift, random));
        if (trap) {
            isolate(leader);
            note("clock skew, leader " + leader + " slowest and isolated: rates " + rates);
        } else {
            note("clock skew: rates " + rates);
        }
    }

    private void isolate(int victim) {
        for (int b : ids()) {
            if (b != victim) {
                proxy.cut(victim, b);
                proxy.cut(b, victim);
            }
        }
    }

    private void kill(int id) throws InterruptedException {
        if (down.contains(id)) {
            return;
        }
        processes.kill(id);
        paused.remove(id);
        down.add(id);
        note("kill -9 node " + id);
    }

    private void healAll() throws Exception {
        proxy.healAll();
        for (int id : new ArrayList<>(paused)) {
            signal(id, "CONT");
        }
        paused.clear();
        for (int id : new ArrayList<>(down)) {
            processes.start(id);
        }
        down.clear();
        String restored = clocks.restore();
        if (!restored.isEmpty()) {
            note(restored);
        }
    }

    private void signal(int id, String signal) throws Exception {
        Process process = processes.process(id);
        if (process != null && process.isAlive()) {
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Waits until every node has applied the same number of commands, then reads every key on
     * every node (stale reads: each node's own state) and records them as gets at the end of the
     * history, so the checker also proves nothing acknowledged was lost. Null if they agree.
     */
    private String converge(int keys) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Map<Integer, Long> applied = new TreeMap<>();
        while (System.nanoTime() < deadline) {
            applied.clear();
            for (int id : ids()) {
                applied.put(id, statusOf(id, "appliedIndex"));
            }
            if (!applied.containsValue(null) && new HashSet<>(applied.values()).size() == 1) {
                break;
            }
            sleep(200);
        }
        if (applied.containsValue(null) || new HashSet<>(applied.values()).size() != 1) {
            return "replicas did not converge within 60 s after healing: applied " + applied;
        }
        Map<String, String> reference = null;
        for (int id : ids()) {
            ExampleClient node = new ExampleClient(List.of(processes.httpAddresses().get(id)), Duration.ofSeconds(10));
            Map<String, String> state = new TreeMap<>();
            for (int k = 0; k < keys; k++) {
                String key = "k" + k;
                long call = recorder.now();
                ExampleClient.Reply reply = node.send("GET", "/kv/" + key + "?consistency=stale", null);
                String value = reply.status() == 200 ? (String) reply.get("value") : null;
                recorder.record(new Operation(900_000 + id, Operation.Kind.GET, key, null, null, true, value, call,
                        recorder.now()), "{\"final\":true,\"node\":" + id + "}");
                state.put(key, value);
            }
            if (reference == null) {
                reference = state;
            } else if (!reference.equals(state)) {
                return "node " + id + " holds " + state + " but node 1 holds " + reference;
            }
        }
        return null;
    }

    private Long statusOf(int id, String field) {
        Map<String, Object> status = processes.status(id);
        return status != null && status.get(field) instanceof Long l ? l : null;
    }

    private int currentLeader() {
        return processes.leaderAmong(ids().stream().filter(id -> !down.contains(id) && !paused.contains(id)).toList());
    }

    private void awaitLeader(List<Integer> among, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (currentLeader() != 0) {
                return;
            }
            sleep(100);
        }
        throw new AssertionError("no leader among " + among + " within " + timeout.toSeconds() + " s");
    }

    private void note(String what) {
        log.add(String.format("%8.1f s  %s", recorder.now() / 1e9, what));
    }

    private static void sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
    }

    @Override
    public void close() throws Exception {
        for (int id : new ArrayList<>(paused)) {
            signal(id, "CONT");
        }
        processes.close();
        proxy.close();
    }
}
