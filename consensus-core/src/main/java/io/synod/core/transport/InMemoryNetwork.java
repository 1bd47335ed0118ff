package io.synod.core.transport;

import io.synod.core.protocol.Message;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * An in-process network for tests: {@link #join} gives each node a {@link Transport}; messages
 * are delivered on one thread per receiving node, in send order. Links can be cut with
 * {@link #cut} and restored with {@link #heal}. Any node that joined can reach any other by id, so
 * {@link Transport#updatePeers} only records what it was told (see {@link #learnedPeers}).
 *
 * <p>Thread-safe.
 */
public final class InMemoryNetwork {
    private final Map<Integer, Endpoint> endpoints = new ConcurrentHashMap<>();
    private final Set<Long> cutLinks = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Map<Integer, InetSocketAddress>> learned = new ConcurrentHashMap<>();

    /** A transport for {@code nodeId}; a node that joins again replaces its previous transport. */
    public Transport join(int nodeId) {
        return new Endpoint(nodeId);
    }

    /** Drops every message from {@code from} to {@code to} until {@link #heal}. */
    public void cut(int from, int to) {
        cutLinks.add(link(from, to));
    }

    public void heal(int from, int to) {
        cutLinks.remove(link(from, to));
    }

    /** What node {@code nodeId}'s transport was last told by {@link Transport#updatePeers} (empty if never). */
    public Map<Integer, InetSocketAddress> learnedPeers(int nodeId) {
        return learned.getOrDefault(nodeId, Map.of());
    }

    private static long link(int from, int to) {
        return ((long) from << 32) | (to & 0xffffffffL);
    }

    private final class Endpoint implements Transport {
        private final int nodeId;
        private final ExecutorService deliverer;
        private volatile MessageHandler handler;
        private volatile boolean closed;

        Endpoint(int nodeId) {
            this.nodeId = nodeId;
            this.deliverer = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "synod-inmemory-" + nodeId);
                t.setDaemon(true);
                return t;
            });
        }

        @Override
        public void start(MessageHandler handler) {
            if (this.handler != null) {
                throw new IllegalStateException("transport of node " + nodeId + " already started");
            }
            this.handler = handler;
            endpoints.put(nodeId, this);
        }

        @Override
        public boolean send(Message message) {
            if (closed || message.from() != nodeId) {
                return false;
            }
            Endpoint receiver = endpoints.get(message.to());
            if (receiver == null || receiver.closed || cutLinks.contains(link(nodeId, message.to()))) {
                return false;
            }
            return receiver.deliver(message);
        }

        private boolean deliver(Message message) {
            try {
                deliverer.execute(() -> {
                    if (!closed) {
                        handler.onMessage(message);
                    }
                });
                return true;
            } catch (RejectedExecutionException e) {
                return false;
            }
        }

        @Override
        public void updatePeers(Map<Integer, InetSocketAddress> peers) {
            learned.put(nodeId, Map.copyOf(peers));
        }

        @Override
        public int localNodeId() {
            return nodeId;
        }

        @Override
        public void close() {
            closed = true;
            endpoints.remove(nodeId, this);
            deliverer.shutdownNow();
        }
    }
}
