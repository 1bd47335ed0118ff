package io.synod.transport;

import io.synod.core.transport.Transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A small cluster's addresses on 127.0.0.1, with free ports chosen once, so that a node closed and
 * started again comes back at the same address; and the transports started through it, closed by
 * {@link #closeAll}. Test options: short backoff and handshake timeout.
 */
final class TestNodes {
    static final String CLUSTER = "test-cluster";
    private final Map<Integer, InetSocketAddress> members = new HashMap<>();
    private final List<Transport> started = new ArrayList<>();

    TestNodes(int... ids) {
        for (int id : ids) {
            members.put(id, new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort()));
        }
    }

    Map<Integer, InetSocketAddress> members() {
        return members;
    }

    InetSocketAddress address(int id) {
        return members.get(id);
    }

    NettyTransportOptions.Builder options(int id) {
        return NettyTransportOptions.builder(CLUSTER, id, members)
                .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200))
                .handshakeTimeout(Duration.ofSeconds(2))
                .ioThreads(1);
    }

    NettyTransport start(int id, Transport.MessageHandler handler) {
        return start(options(id).build(), handler);
    }

    NettyTransport start(int id, Transport.MessageHandler handler, UnaryOperator<NettyTransportOptions.Builder> tweak) {
        return start(tweak.apply(options(id)).build(), handler);
    }

    NettyTransport start(NettyTransportOptions options, Transport.MessageHandler handler) {
        NettyTransport transport = NettyTransport.create(options);
        started.add(transport);
        transport.start(handler);
        return transport;
    }

    void closeAll() {
        started.forEach(Transport::close);
        started.clear();
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
