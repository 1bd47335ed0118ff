package io.synod.core.runtime;

import io.synod.core.api.MonotonicClock;
import io.synod.core.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * What this node knows of its peers beyond its configuration: the addresses the groups' logs carry
 * for members added by membership changes (handed to the transport, so it can dial them and accept
 * their connections), and when it last heard from each node.
 *
 * <p>One node may host many groups over one transport: the transport is told the union of every
 * group's addresses, so a node removed from one group stays reachable for the others. Resolving a
 * host name may block, so the transport is updated on {@code slowWork} (the snapshot thread), in
 * order. Thread-safe.
 */
final class PeerDirectory {
    private static final Logger log = LoggerFactory.getLogger(PeerDirectory.class);

    private final int self;
    private final Transport transport;
    private final MonotonicClock clock;
    private final Executor slowWork;
    private final Map<Long, Map<Integer, String>> byGroup = new TreeMap<>();
    private final Map<Integer, Long> lastHeardNanos = new ConcurrentHashMap<>();
    private Map<Integer, String> published = Map.of();

    PeerDirectory(int self, Transport transport, MonotonicClock clock, Executor slowWork) {
        this.self = self;
        this.transport = transport;
        this.clock = clock;
        this.slowWork = slowWork;
    }

    /** A message from {@code nodeId} arrived (any thread). */
    void heard(int nodeId) {
        lastHeardNanos.put(nodeId, clock.nanoTime());
    }

    /** Whether {@code nodeId} is this node, or was heard from within {@code windowNanos}. */
    boolean recentlyHeard(int nodeId, long windowNanos) {
        Long heard = lastHeardNanos.get(nodeId);
        return nodeId == self || (heard != null && clock.nanoTime() - heard < windowNanos);
    }

    /**
     * Group {@code groupId}'s logs now carry {@code addresses} ("host:port" by node id) for the members
     * of the memberships it remembers; the transport learns of any change to the union.
     */
    synchronized void groupAddresses(long groupId, Map<Integer, String> addresses) {
        byGroup.put(groupId, Map.copyOf(addresses));
        Map<Integer, String> union = new TreeMap<>();
        byGroup.values().forEach(union::putAll);
        union.remove(self);
        if (union.equals(published)) {
            return;
        }
        published = Map.copyOf(union);
        Map<Integer, String> toResolve = published;
        try {
            slowWork.execute(() -> transport.updatePeers(resolve(toResolve)));
        } catch (RejectedExecutionException closing) {
            log.debug("node {}: not telling the transport of peers {}: the node is closing", self, toResolve.keySet());
        }
    }

    /** Node ids the groups' memberships carry addresses for (this node excluded). */
    synchronized Set<Integer> learnedNodes() {
        return new TreeSet<>(published.keySet());
    }

    private static Map<Integer, InetSocketAddress> resolve(Map<Integer, String> addresses) {
        Map<Integer, InetSocketAddress> resolved = new TreeMap<>();
        addresses.forEach((id, text) -> {
            InetSocketAddress address = parse(text);
            if (address == null || address.isUnresolved()) {
                log.warn("node {}'s address '{}' in the group's membership does not resolve; it stays unreachable"
                        + " from this node until a membership change gives it a valid address", id, text);
            } else {
                resolved.put(id, address);
            }
        });
        return resolved;
    }

    /** {@code host:port} (an IPv6 host may be bracketed); null if malformed. */
    static InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            return null;
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            return port < 1 || port > 65535 ? null : new InetSocketAddress(host, port);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** "host:port" for an address; IPv6 literals bracketed so {@link #parse} reads them back. */
    static String format(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
