package io.synod.core.runtime;

import io.synod.core.api.ClientSession;
import io.synod.core.api.GroupAdmin;
import io.synod.core.api.MetricsListener;
import io.synod.core.api.MonotonicClock;
import io.synod.core.api.NodeClosedException;
import io.synod.core.api.ReadConsistency;
import io.synod.core.api.ReplicatedGroup;
import io.synod.core.api.StateMachine;
import io.synod.core.api.SynodOptions;
import io.synod.core.protocol.Message;
import io.synod.core.protocol.ProtocolConfig;
import io.synod.core.storage.Storage;
import io.synod.core.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Internal: the running node behind {@link io.synod.core.api.SynodNode}. Owns the consensus
 * threads (groups pinned to them), the apply pool, the storage and the transport, and closes them
 * in order. Not part of the public API; use {@code SynodNode}.
 */
public final class NodeRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeRuntime.class);

    private final int nodeId;
    /** The groups' initial voters (this node is not among them when it joins through a membership change). */
    private final Set<Integer> members;
    private final boolean joining;
    private final SynodOptions options;
    private final Storage storage;
    private final Transport transport;
    private final NodeMetrics metrics;
    private final Admission admission;
    private final ExecutorService applyPool;
    /** Writes snapshots and reads them for replicas that install them: slow I/O kept off the other threads. */
    private final ExecutorService snapshotPool;
    private final List<ConsensusLoop> loops = new ArrayList<>();
    private final Map<Long, GroupRuntime> groups = new TreeMap<>();
    private final Map<Long, ReplicatedGroup> handles = new TreeMap<>();
    private final PeerDirectory peers;
    private final MonotonicClock clock;
    private ObjectName jmxName;
    private volatile boolean closed;

    /**
     * Recovers every group from {@code storage} and starts the node. Fails (and closes what it
     * opened) if any group's stored state cannot be trusted.
     *
     * @param members the groups' initial voters
     * @param joining whether this node is not among them and joins the groups through membership changes
     */
    public NodeRuntime(int nodeId, Set<Integer> members, boolean joining, SynodOptions options, Storage storage,
                       Transport transport, Map<Long, StateMachine> stateMachines, MetricsListener listener,
                       MonotonicClock clock) {
        this.nodeId = nodeId;
        this.members = Set.copyOf(members);
        this.joining = joining;
        this.options = options;
        this.storage = storage;
        this.transport = transport;
        this.clock = clock;
        this.metrics = new NodeMetrics(listener, clock);
        this.admission = new Admission(options);
        AtomicInteger applyThreadNumber = new AtomicInteger();
        this.applyPool = Executors.newFixedThreadPool(options.applyThreads(), r -> {
            Thread t = new Thread(r, "synod-" + nodeId + "-apply-" + applyThreadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.snapshotPool = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "synod-" + nodeId + "-snapshots");
            t.setDaemon(true);
            return t;
        });
        this.peers = new PeerDirectory(nodeId, transport, clock, snapshotPool);
        try {
            createGroups(stateMachines);
        } catch (RuntimeException e) {
            applyPool.shutdownNow();
            snapshotPool.shutdownNow();
            throw e;
        }
        transport.start(this::onMessage);
        loops.forEach(ConsensusLoop::start);
        groups.values().forEach(g -> loopOf(g.groupId()).control(g::start));
        registerJmx();
        log.info("node {} started: {} group(s), initial members {}{}, {} consensus thread(s)", nodeId, groups.size(),
                members, joining ? " (this node joins through a membership change)" : "", loops.size());
    }

    private void createGroups(Map<Long, StateMachine> stateMachines) {
        NodeContext context = new NodeContext(nodeId, members, options, storage, transport, admission, metrics, clock,
                applyPool, snapshotPool, peers);
        long tickNanos = TimeUnit.MILLISECONDS.toNanos(options.tickMillis());
        for (int i = 0; i < options.consensusThreads(); i++) {
            loops.add(new ConsensusLoop("synod-" + nodeId + "-consensus-" + (i + 1), clock, tickNanos,
                    options.maxQueuedEvents(), new HeartbeatCoalescer(transport)));
        }
        SplittableRandom random = new SplittableRandom();
        CommandIds commandIds = new CommandIds(nodeId, random.split());
        for (Map.Entry<Long, StateMachine> entry : new TreeMap<>(stateMachines).entrySet()) {
            long groupId = entry.getKey();
            ConsensusLoop loop = loopOf(groupId);
            GroupRuntime group = new GroupRuntime(groupId, entry.getValue(), context, loop, protocolConfig(groupId),
                    commandIds, random.split());
            group.recover();
            loop.pin(group);
            groups.put(groupId, group);
            handles.put(groupId, new Handle(group));
        }
    }

    private ProtocolConfig protocolConfig(long groupId) {
        return ProtocolConfig.builder()
                .groupId(groupId).nodeId(nodeId).members(members).joining(joining)
                .pipelineWindow(options.pipelineWindow())
                .maxBatchCommands(options.maxBatchCommands()).maxBatchBytes(options.maxBatchBytes())
                .maxPendingCommands(options.maxPendingProposals())
                .heartbeatIntervalTicks(options.ticks(options.heartbeatIntervalMillis()))
                .electionTimeoutTicks(options.ticks(options.electionTimeoutMillis()))
                .maxElectionBackoffTicks(options.ticks(options.maxElectionBackoffMillis()))
                .retransmitTicks(options.ticks(options.retransmitMillis()))
                .maxClockDrift(options.maxClockDrift())
                .retainedAppliedSlots(options.retainedAppliedSlots())
                .build();
    }

    private ConsensusLoop loopOf(long groupId) {
        return loops.get((int) Math.floorMod(groupId, (long) loops.size()));
    }

    private void onMessage(Message message) {
        peers.heard(message.from());
        if (message instanceof Message.Batch batch) {
            batch.messages().forEach(this::dispatch);
        } else {
            dispatch(message);
        }
    }

    private void dispatch(Message message) {
        GroupRuntime group = groups.get(message.groupId());
        if (group == null) {
            metrics.messageDropped("unknown group " + message.groupId());
        } else {
            group.deliver(message);
        }
    }

    public int nodeId() {
        return nodeId;
    }

    public ReplicatedGroup group(long groupId) {
        ReplicatedGroup handle = handles.get(groupId);
        if (handle == null) {
            throw new IllegalArgumentException("node " + nodeId + " hosts no group " + groupId + "; it hosts " + handles.keySet());
        }
        return handle;
    }

    public Set<Long> groups() {
        return handles.keySet();
    }

    /** Heartbeat batches sent so far, over all consensus threads (for tests and monitoring). */
    long heartbeatBatchesSent() {
        return loops.stream().mapToLong(l -> l.heartbeats().batchesSent()).sum();
    }

    Collection<GroupRuntime> groupRuntimes() {
        return groups.values();
    }

    NodeMetrics metrics() {
        return metrics;
    }

    Admission admission() {
        return admission;
    }

    Map<Integer, Boolean> memberReachability() {
        long window = TimeUnit.MILLISECONDS.toNanos(options.electionTimeoutMillis());
        Map<Integer, Boolean> reachable = new TreeMap<>();
        Set<Integer> known = new java.util.TreeSet<>(members);
        known.addAll(peers.learnedNodes());
        known.add(nodeId);
        for (int member : known) {
            reachable.put(member, peers.recentlyHeard(member, window));
        }
        return reachable;
    }

    /**
     * Stops taking proposals, stops the consensus threads, lets applies already handed over finish,
     * fails every proposal still waiting with {@link NodeClosedException}, then closes the transport
     * and the storage. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        loops.forEach(ConsensusLoop::close);
        transport.close();
        applyPool.shutdown();
        try {
            applyPool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        applyPool.shutdownNow();
        snapshotPool.shutdownNow();
        try {
            snapshotPool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        NodeClosedException error = new NodeClosedException("node " + nodeId
                + " closed before the outcome was known; the command may still be applied by the other replicas");
        groups.values().forEach(g -> g.failPending(error));
        storage.close();
        unregisterJmx();
        log.info("node {} closed", nodeId);
    }

    private void registerJmx() {
        if (!options.registerJmx()) {
            return;
        }
        try {
            jmxName = new ObjectName("io.synod:type=Node,node=" + nodeId + ",instance=" + System.identityHashCode(this));
            ManagementFactory.getPlatformMBeanServer().registerMBean(new NodeMonitor(this), jmxName);
        } catch (Exception e) {
            log.warn("node {}: could not register the JMX bean: {}", nodeId, e.toString());
            jmxName = null;
        }
    }

    private void unregisterJmx() {
        if (jmxName != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(jmxName);
            } catch (Exception e) {
                log.debug("node {}: could not unregister the JMX bean: {}", nodeId, e.toString());
            }
        }
    }

    /** The public handle of one group. */
    private final class Handle implements ReplicatedGroup, SessionHandle.Group {
        private final GroupRuntime group;
        private final GroupAdmin admin;

        Handle(GroupRuntime group) {
            this.group = group;
            this.admin = new AdminHandle(nodeId, group.admin(), () -> closed);
        }

        @Override
        public GroupAdmin admin() {
            return admin;
        }

        @Override
        public CompletableFuture<ClientSession> openSession(long maxIdleEntries) {
            if (closed) {
                return CompletableFuture.failedFuture(new NodeClosedException("node " + nodeId + " is closed"));
            }
            return SessionHandle.open(this, maxIdleEntries, options, clock);
        }

        @Override
        public ClientSession resumeSession(long clientId, long nextSequence) {
            return new SessionHandle(this, clientId, nextSequence, options, clock);
        }

        @Override
        public CompletableFuture<byte[]> propose(byte[] envelope, long timeoutMillis) {
            if (closed) {
                return CompletableFuture.failedFuture(new NodeClosedException("node " + nodeId + " is closed"));
            }
            return group.proposeEnvelope(envelope, timeoutMillis);
        }

        @Override
        public long groupId() {
            return group.groupId();
        }

        @Override
        public CompletableFuture<byte[]> propose(byte[] command) {
            if (closed) {
                return CompletableFuture.failedFuture(new NodeClosedException("node " + nodeId + " is closed"));
            }
            if (command.length > options.maxCommandBytes()) {
                return CompletableFuture.failedFuture(
                        new io.synod.core.api.CommandTooLargeException(command.length, options.maxCommandBytes()));
            }
            return group.propose(command);
        }

        @Override
        public CompletableFuture<byte[]> read(byte[] query, ReadConsistency consistency) {
            java.util.Objects.requireNonNull(consistency, "consistency");
            return read(query, consistency, 0);
        }

        @Override
        public CompletableFuture<byte[]> readAtLeast(byte[] query, long minIndex) {
            if (minIndex < 0) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("minIndex must be >= 0, got " + minIndex));
            }
            return read(query, ReadConsistency.STALE, minIndex);
        }

        private CompletableFuture<byte[]> read(byte[] query, ReadConsistency consistency, long minIndex) {
            if (closed) {
                return CompletableFuture.failedFuture(new NodeClosedException("node " + nodeId + " is closed"));
            }
            return group.read(query.clone(), consistency, minIndex);
        }

        @Override
        public long appliedIndex() {
            return group.appliedIndex();
        }

        @Override
        public OptionalInt leader() {
            int hint = group.leaderHint();
            return hint == 0 ? OptionalInt.empty() : OptionalInt.of(hint);
        }

        @Override
        public boolean isLeader() {
            return group.isLeader();
        }
    }
}
