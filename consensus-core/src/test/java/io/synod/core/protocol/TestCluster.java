package io.synod.core.protocol;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A tiny cluster for scenario tests: replicas stepped by hand, messages queued until delivered,
 * links cut by hand, persistence immediate or held. Everything is explicit, so a test reads as a
 * transcript of what happened.
 */
final class TestCluster {
    static final long GROUP = 1;

    final Map<Integer, Replica> replicas = new TreeMap<>();
    final Map<Integer, List<ChosenEntry>> applied = new HashMap<>();
    final Map<Integer, List<Rejection>> rejections = new HashMap<>();
    final Map<Integer, List<JournalRecord>> durable = new HashMap<>();
    final Map<Integer, List<ReadIndex>> reads = new HashMap<>();
    final ArrayDeque<Message> network = new ArrayDeque<>();
    final List<Message> sentLog = new ArrayList<>();
    private final Map<Integer, List<JournalRecord>> unsynced = new HashMap<>();
    private final Map<Integer, Long> unsyncedSeq = new HashMap<>();
    private final Set<Integer> isolated = new HashSet<>();
    private final Set<Integer> slowDisk = new HashSet<>();
    private final ProtocolConfig base;
    /** Messages matching this are lost instead of delivered. */
    private java.util.function.Predicate<Message> dropping = m -> false;

    /** @param electionJitter per node, the value its random source always returns (0 = campaigns first) */
    TestCluster(int size, Map<Integer, Integer> electionJitter) {
        Set<Integer> members = new TreeSet<>();
        for (int id = 1; id <= size; id++) {
            members.add(id);
        }
        base = ProtocolConfig.builder().groupId(GROUP).nodeId(1).members(members)
                .heartbeatIntervalTicks(2).electionTimeoutTicks(10).retransmitTicks(4)
                .maxElectionBackoffTicks(20).pipelineWindow(4).maxBatchCommands(3).build();
        for (int id = 1; id <= size; id++) {
            int jitter = electionJitter.getOrDefault(id, 9);
            durable.put(id, new ArrayList<>());
            start(id, bound -> Math.min(jitter, bound - 1));
        }
    }

    /** Node 1 campaigns first; the others wait as long as they can. */
    static TestCluster withFirstCandidate(int size) {
        return new TestCluster(size, Map.of(1, 0));
    }

    void start(int id, RandomSource random) {
        Replica replica = new Replica(base.toBuilder().nodeId(id).build(),
                DurableState.replay(GROUP, durable.get(id)), random);
        replicas.put(id, replica);
        applied.put(id, new ArrayList<>());
        rejections.put(id, new ArrayList<>());
        reads.put(id, new ArrayList<>());
        unsynced.put(id, new ArrayList<>());
        handle(id, replica.start());
    }

    /** Loses the replica and its unsynced writes; restart it with {@link #start}. */
    void crash(int id) {
        replicas.remove(id);
        unsynced.get(id).clear();
        network.removeIf(m -> m.to() == id);
    }

    Replica replica(int id) {
        return replicas.get(id);
    }

    void isolate(int id) {
        isolated.add(id);
    }

    void reconnect(int id) {
        isolated.remove(id);
    }

    /** Writes of this node stay unsynced until {@link #sync}. */
    void holdSyncs(int id) {
        slowDisk.add(id);
    }

    void sync(int id) {
        slowDisk.remove(id);
        flush(id);
    }

    void tick(int id) {
        handle(id, replicas.get(id).tick());
    }

    /** Ticks a freshly started replica until it stops refusing prepares (its start quarantine). */
    void pastStartQuarantine(int id) {
        while (replicas.get(id).now() < base.electionTimeoutTicks()) {
            tick(id);
        }
    }

    /** Ticks every live replica {@code ticks} times, delivering all messages after each round. */
    void run(int ticks) {
        for (int i = 0; i < ticks; i++) {
            for (int id : new ArrayList<>(replicas.keySet())) {
                tick(id);
            }
            deliverAll();
        }
    }

    /** From now on, messages matching {@code filter} are lost; {@code m -> false} stops that. */
    void drop(java.util.function.Predicate<Message> filter) {
        dropping = filter;
    }

    void readIndex(int id, long readId) {
        handle(id, replicas.get(id).readIndex(readId));
    }

    void deliverAll() {
        int budget = 100_000;
        while (!network.isEmpty() && budget-- > 0) {
            Message message = network.poll();
            Replica to = replicas.get(message.to());
            if (to != null && !isolated.contains(message.to()) && !isolated.contains(message.from())
                    && !dropping.test(message)) {
                handle(message.to(), to.receive(message));
            }
        }
    }

    void propose(int id, long commandId, String payload) {
        handle(id, replicas.get(id).propose(new Command(commandId, payload.getBytes())));
    }

    Integer leader() {
        Integer leader = null;
        for (Map.Entry<Integer, Replica> e : replicas.entrySet()) {
            if (e.getValue().role() == Replica.Role.LEADER) {
                leader = e.getKey();
            }
        }
        return leader;
    }

    List<Long> appliedCommandIds(int id) {
        List<Long> ids = new ArrayList<>();
        for (ChosenEntry entry : applied.get(id)) {
            if (entry.value() instanceof Value.Batch batch) {
                batch.commands().forEach(c -> ids.add(c.id()));
            }
        }
        return ids;
    }

    void handle(int id, Ready ready) {
        applied.get(id).addAll(ready.committed());
        rejections.get(id).addAll(ready.rejections());
        reads.get(id).addAll(ready.reads());
        sentLog.addAll(ready.messages());
        network.addAll(ready.messages());
        if (!ready.records().isEmpty()) {
            unsynced.get(id).addAll(ready.records());
            unsyncedSeq.put(id, ready.persistSeq());
            if (!slowDisk.contains(id)) {
                flush(id);
            }
        }
    }

    private void flush(int id) {
        if (unsynced.get(id).isEmpty() || !replicas.containsKey(id)) {
            return;
        }
        durable.get(id).addAll(unsynced.get(id));
        unsynced.get(id).clear();
        handle(id, replicas.get(id).persisted(unsyncedSeq.get(id)));
    }
}
