package io.synod.core.api;

import io.synod.core.runtime.NodeRuntime;
import io.synod.core.storage.Storage;
import io.synod.core.storage.StorageProvider;
import io.synod.core.transport.Transport;
import io.synod.core.transport.TransportProvider;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A running Synod node: one member of a cluster, hosting one or more consensus groups, each
 * replicating a log into a {@link StateMachine}.
 *
 * <pre>{@code
 * SynodNode node = SynodNode.builder()
 *         .nodeId(1)
 *         .members(Map.of(1, new InetSocketAddress("10.0.0.1", 7000),
 *                         2, new InetSocketAddress("10.0.0.2", 7000),
 *                         3, new InetSocketAddress("10.0.0.3", 7000)))
 *         .dataDirectory(Path.of("/var/lib/myservice/synod"))
 *         .stateMachine(new MyStateMachine())
 *         .build();
 * byte[] result = node.group(0).propose(command).get();
 * }</pre>
 *
 * <p>With consensus-storage and consensus-transport on the classpath, {@code dataDirectory} opens
 * RocksDB and {@code members} with addresses starts the Netty transport; {@link Builder#storage}
 * and {@link Builder#transport} supply other implementations (the node closes them on close).
 *
 * <p>A node that is not one of the groups' initial members is started with
 * {@link Builder#joining(boolean) joining(true)} and added through a group's {@link GroupAdmin}.
 *
 * <p>Thread-safe. Close it to stop: pending proposals fail with {@link NodeClosedException}.
 */
public final class SynodNode implements AutoCloseable {
    private final NodeRuntime runtime;

    private SynodNode(NodeRuntime runtime) {
        this.runtime = runtime;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int nodeId() {
        return runtime.nodeId();
    }

    /** The hosted group {@code groupId}; {@link IllegalArgumentException} if this node does not host it. */
    public ReplicatedGroup group(long groupId) {
        return runtime.group(groupId);
    }

    /** Ids of the hosted groups. */
    public Set<Long> groups() {
        return runtime.groups();
    }

    /** Stops the node; see {@link NodeRuntime#close()}. Idempotent. */
    @Override
    public void close() {
        runtime.close();
    }

    /** Builds and starts a node; every setting is checked in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private String clusterId = "synod";
        private int nodeId;
        private final Map<Integer, InetSocketAddress> addresses = new TreeMap<>();
        private final Set<Integer> memberIds = new TreeSet<>();
        private final Map<Integer, InetSocketAddress> peerAddresses = new TreeMap<>();
        private boolean joining;
        private Path dataDirectory;
        private Storage storage;
        private Transport transport;
        private final Map<Long, StateMachine> groups = new LinkedHashMap<>();
        private SynodOptions options = SynodOptions.defaults();
        private MetricsListener metrics = new MetricsListener() { };
        private MonotonicClock clock = MonotonicClock.SYSTEM;

        private Builder() {
        }

        /** Names the cluster; storage and transport refuse data and peers of another cluster. Default "synod". */
        public Builder clusterId(String clusterId) {
            this.clusterId = clusterId;
            return this;
        }

        public Builder nodeId(int nodeId) {
            this.nodeId = nodeId;
            return this;
        }

        /**
         * The groups' initial voters (this node too, unless it is {@link #joining}) and their
         * addresses, for the default transport. Every replica derives a group's membership from its
         * log, starting from these: they must be the same on every node, for the group's whole
         * life, even after membership changes replaced some of them. A joining node lists the
         * initial voters and itself (for the address it listens on).
         */
        public Builder members(Map<Integer, InetSocketAddress> addresses) {
            this.addresses.putAll(addresses);
            this.memberIds.addAll(addresses.keySet());
            return this;
        }

        /** The groups' initial voters (see {@link #members}), when {@link #transport} is given explicitly. */
        public Builder memberIds(Set<Integer> ids) {
            this.memberIds.addAll(ids);
            return this;
        }

        /**
         * This node is not among the groups' initial voters: it joins through a membership change
         * ({@link GroupAdmin#addLearner} on the leader, then {@link GroupAdmin#promote}). Until then it
         * only listens: it never campaigns and serves no writes. Keep it set when the node restarts,
         * for as long as it runs. Default false.
         */
        public Builder joining(boolean joining) {
            this.joining = joining;
            return this;
        }

        /**
         * For the default transport: addresses of nodes that are not initial voters but were added
         * by membership changes, which this node may need to reach before its log tells it where they
         * are — e.g. a joining node whose group is led by a node that itself joined later. Nodes
         * learned from the log need no entry here.
         */
        public Builder peerAddresses(Map<Integer, InetSocketAddress> peers) {
            this.peerAddresses.putAll(peers);
            return this;
        }

        /** Where the default storage keeps its files. */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        public Builder storage(Storage storage) {
            this.storage = storage;
            return this;
        }

        public Builder transport(Transport transport) {
            this.transport = transport;
            return this;
        }

        /** Hosts group {@code groupId} with {@code stateMachine}; call once per group. */
        public Builder group(long groupId, StateMachine stateMachine) {
            if (groups.putIfAbsent(groupId, stateMachine) != null) {
                throw new IllegalArgumentException("group " + groupId + " is already configured on this builder");
            }
            return this;
        }

        /** Shorthand for {@code group(0, stateMachine)}. */
        public Builder stateMachine(StateMachine stateMachine) {
            return group(0, stateMachine);
        }

        public Builder options(SynodOptions options) {
            this.options = options;
            return this;
        }

        public Builder metricsListener(MetricsListener listener) {
            this.metrics = listener;
            return this;
        }

        /**
         * <b>For tests only</b>: the monotonic clock this node measures its ticks, timeouts and
         * lease with, instead of {@link MonotonicClock#SYSTEM}. Fault tests use it to make one
         * node's clock run fast or slow. The clock must be monotonic and thread-safe, never the
         * wall clock; lease reads stay linearizable only while the rates of the members' clocks
         * differ by a factor of at most {@code 1 + maxClockDrift} (see {@link MonotonicClock}).
         */
        public Builder monotonicClock(MonotonicClock clock) {
            if (clock == null) {
                throw new IllegalArgumentException("invalid Synod node: monotonicClock must not be null;"
                        + " leave it unset for System.nanoTime()");
            }
            this.clock = clock;
            return this;
        }

        /** Checks every setting, recovers every group from storage and starts the node. */
        public SynodNode build() {
            require(nodeId > 0 && nodeId <= 0xFFFF, "nodeId must be between 1 and 65535, got " + nodeId);
            require(!memberIds.isEmpty(), "no members: call members(...) with every member's address, or memberIds(...)"
                    + " with an explicit transport(...)");
            Set<Integer> initialVoters = new TreeSet<>(memberIds);
            if (joining) {
                initialVoters.remove(nodeId);
                require(!initialVoters.isEmpty(), "joining is set, but members lists no node besides this one: list"
                        + " the group's initial voters (and this node's own address)");
            } else {
                require(memberIds.contains(nodeId), "nodeId " + nodeId + " is not among the members " + memberIds
                        + ": add it, fix nodeId, or (for a node added by a membership change) set joining(true)");
            }
            for (int peer : peerAddresses.keySet()) {
                require(peer != nodeId && !memberIds.contains(peer), "peerAddresses lists node " + peer + ", which is "
                        + (peer == nodeId ? "this node" : "an initial member") + ": give its address in members(...)");
            }
            require(!groups.isEmpty(), "no group: call stateMachine(...) or group(id, stateMachine)");
            require(clusterId != null && !clusterId.isBlank(), "clusterId must not be blank");
            require(dataDirectory == null || storage == null, "set either dataDirectory(...) or storage(...), not both");
            require(dataDirectory != null || storage != null, "no storage: call dataDirectory(...) (with consensus-storage"
                    + " on the classpath) or storage(...)");
            require(transport == null || transport.localNodeId() == nodeId, "the transport speaks for node "
                    + (transport == null ? 0 : transport.localNodeId()) + " but nodeId is " + nodeId);
            long tickNanos = options.tickMillis() * 1_000_000L;
            long tickRealNanos = clock.realNanos(tickNanos);
            require(tickRealNanos > 0, "the monotonicClock says one tick (" + tickNanos + " ns on it) takes "
                    + tickRealNanos + " ns of real time; realNanos must be positive for a positive duration");
            if (transport == null) {
                require(addresses.keySet().containsAll(memberIds), "no address for members "
                        + difference(memberIds, addresses.keySet()) + ": give members(...) an address for each, or a transport(...)");
                require(addresses.containsKey(nodeId), "no address for this node (" + nodeId + ") to listen on:"
                        + " a joining node lists itself in members(...) too");
            } else {
                require(peerAddresses.isEmpty(), "peerAddresses(...) is for the default transport; configure the"
                        + " explicit transport(...) with those peers instead");
            }
            Storage openedStorage = storage != null ? storage
                    : provider(StorageProvider.class, "consensus-storage").open(dataDirectory, clusterId);
            Transport openedTransport = null;
            try {
                Map<Integer, InetSocketAddress> reachable = new TreeMap<>(addresses);
                reachable.putAll(peerAddresses);
                openedTransport = transport != null ? transport
                        : provider(TransportProvider.class, "consensus-transport").create(clusterId, nodeId, Map.copyOf(reachable));
                return new SynodNode(new NodeRuntime(nodeId, initialVoters, joining, options, openedStorage,
                        openedTransport, groups, metrics, clock));
            } catch (RuntimeException e) {
                if (openedTransport != null) {
                    openedTransport.close();
                }
                openedStorage.close();
                throw e;
            }
        }

        private static <T> T provider(Class<T> type, String module) {
            Iterator<T> found = ServiceLoader.load(type).iterator();
            if (!found.hasNext()) {
                throw new IllegalStateException("no " + type.getSimpleName() + " found: add the io.synod:" + module
                        + " dependency, or pass an implementation to the builder");
            }
            return found.next();
        }

        private static Set<Integer> difference(Set<Integer> a, Set<Integer> b) {
            Set<Integer> d = new TreeSet<>(a);
            d.removeAll(b);
            return d;
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException("invalid Synod node: " + message);
            }
        }
    }
}
