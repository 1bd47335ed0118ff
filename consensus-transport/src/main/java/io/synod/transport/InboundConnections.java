package io.synod.transport;

import io.netty.channel.Channel;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The inbound connections of one node: bounds how many may be open at once (handshaken or not), and
 * keeps at most one handshaken connection per peer, closing the older one when a peer connects
 * again (its earlier connection is dead or half-open: a peer only ever dials us once at a time).
 * Thread-safe: channels of different event loops register here.
 */
final class InboundConnections {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<Channel> all = ConcurrentHashMap.newKeySet();
    private final Map<Integer, Channel> byPeer = new ConcurrentHashMap<>();

    InboundConnections(int max) {
        this.max = max;
    }

    /** Registers a new connection; false (and the caller closes it) if the limit is reached. */
    boolean admit(Channel channel) {
        int current;
        do {
            current = open.get();
            if (current >= max) {
                return false;
            }
        } while (!open.compareAndSet(current, current + 1));
        all.add(channel);
        channel.closeFuture().addListener(f -> {
            open.decrementAndGet();
            all.remove(channel);
        });
        return true;
    }

    /** Records {@code channel} as the connection from {@code peerId}, closing any earlier one. */
    void authenticated(int peerId, Channel channel) {
        Channel previous = byPeer.put(peerId, channel);
        channel.closeFuture().addListener(f -> byPeer.remove(peerId, channel));
        if (previous != null && previous != channel) {
            previous.close();
        }
    }

    /** Closes the handshaken connection from {@code peerId}, if any (a peer that is no longer one). */
    void close(int peerId) {
        Channel channel = byPeer.remove(peerId);
        if (channel != null) {
            channel.close();
        }
    }

    int open() {
        return open.get();
    }

    void closeAll() {
        all.forEach(Channel::close);
    }
}
