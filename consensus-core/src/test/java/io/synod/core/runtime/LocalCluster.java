package io.synod.core.runtime;

import io.synod.core.api.ReplicatedGroup;
import io.synod.core.api.StateMachine;
import io.synod.core.api.SynodNode;
import io.synod.core.api.SynodOptions;
import io.synod.core.storage.InMemoryStorage;
import io.synod.core.storage.Storage;
import io.synod.core.transport.InMemoryNetwork;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * Several {@link SynodNode}s in one JVM on the in-memory network and storage, each node's storage
 * surviving a restart. For runtime tests; the integration tests do the same with Netty and RocksDB.
 */
final class LocalCluster implements AutoCloseable {
    static final SynodOptions FAST = SynodOptions.builder().tickMillis(5).heartbeatIntervalMillis(20)
            .electionTimeoutMillis(150).retransmitMillis(40).maxElectionBackoffMillis(600)
            .proposalTimeoutMillis(5_000).registerJmx(false).build();

    final InMemoryNetwork network = new InMemoryNetwork();
    final Map<Integer, InMemoryStorage.Disk> disks = new HashMap<>();
    final Map<Integer, SynodNode> nodes = new HashMap<>();
    final Map<Integer, Map<Long, StateMachine>> machines = new HashMap<>();
    private final Set<Integer> members = new TreeSet<>();
    /** Nodes that are not initial members: they start as joining nodes (see {@link #startJoining}). */
    private final Set<Integer> joiners = new TreeSet<>();
    private final SynodOptions options;
    private final Set<Long> groupIds;
    private final LongFunction<StateMachine> newMachine;
    private Function<Storage, Storage> storageWrapper = s -> s;
    private Function<io.synod.core.transport.Transport, io.synod.core.transport.Transport> transportWrapper = t -> t;

    LocalCluster(int size, SynodOptions options, Set<Long> groupIds, LongFunction<StateMachine> newMachine) {
        this.options = options;
        this.groupIds = groupIds;
        this.newMachine = newMachine;
        for (int id = 1; id <= size; id++) {
            members.add(id);
            disks.put(id, new InMemoryStorage.Disk());
        }
    }

    static LocalCluster ofCounters(int size, SynodOptions options) {
        return new LocalCluster(size, options, Set.of(0L), g -> new Counter());
    }

    LocalCluster wrapStorage(Function<Storage, Storage> wrapper) {
        this.storageWrapper = wrapper;
        return this;
    }

    LocalCluster wrapTransport(Function<io.synod.core.transport.Transport, io.synod.core.transport.Transport> wrapper) {
        this.transportWrapper = wrapper;
        return this;
    }

    LocalCluster startAll() {
        members.forEach(this::start);
        return this;
    }

    /**
     * Starts node {@code id}, not an initial member, with an empty disk: it joins the group once a
     * membership change adds it. Later {@link #start} calls restart it as a joining node again.
     */
    SynodNode startJoining(int id) {
        if (members.contains(id)) {
            throw new IllegalArgumentException("node " + id + " is an initial member");
        }
        joiners.add(id);
        disks.putIfAbsent(id, new InMemoryStorage.Disk());
        return start(id);
    }

    /** Starts node {@code id} with fresh state machines, recovering from its disk. */
    SynodNode start(int id) {
        SynodNode.Builder builder = SynodNode.builder().nodeId(id).memberIds(members).joining(joiners.contains(id))
                .storage(storageWrapper.apply(new InMemoryStorage(disks.get(id))))
                .transport(transportWrapper.apply(network.join(id))).options(options);
        Map<Long, StateMachine> perGroup = new HashMap<>();
        for (long group : groupIds) {
            StateMachine machine = newMachine.apply(group);
            perGroup.put(group, machine);
            builder.group(group, machine);
        }
        machines.put(id, perGroup);
        SynodNode node = builder.build();
        nodes.put(id, node);
        return node;
    }

    void stop(int id) {
        SynodNode node = nodes.remove(id);
        if (node != null) {
            node.close();
        }
    }

    ReplicatedGroup group(int node, long group) {
        return nodes.get(node).group(group);
    }

    Counter counter(int node) {
        return (Counter) machines.get(node).get(0L);
    }

    /** Waits until the live nodes agree on one leader of {@code group}; returns it. */
    int awaitLeader(long group) throws InterruptedException {
        int[] leader = new int[1];
        await("a leader of group " + group, () -> {
            Integer found = null;
            for (Map.Entry<Integer, SynodNode> e : nodes.entrySet()) {
                if (e.getValue().group(group).isLeader()) {
                    found = e.getKey();
                }
            }
            if (found == null) {
                return false;
            }
            for (SynodNode node : nodes.values()) {
                OptionalInt hint = node.group(group).leader();
                if (hint.isEmpty() || hint.getAsInt() != found) {
                    return false;
                }
            }
            leader[0] = found;
            return true;
        });
        return leader[0];
    }

    /** The exception {@code future} fails with (within 30 s); an AssertionError if it succeeds. */
    static Throwable failureOf(java.util.concurrent.CompletableFuture<?> future) throws InterruptedException {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("future still pending after 30 s");
        }
        throw new AssertionError("expected a failure, got a result");
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        nodes.values().forEach(SynodNode::close);
        nodes.clear();
    }
}
