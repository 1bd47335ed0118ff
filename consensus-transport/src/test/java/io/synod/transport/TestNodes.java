package io.synod.transport;

import io.synod.core.transport.Transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
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

    /**
     * A port free right now, below the kernel's ephemeral range: a port from that range could be
     * taken at any moment by the local end of some outgoing connection (this module's tests open
     * hundreds), and a restarted node must be able to bind its port again.
     */
    static int freePort() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = 20_000 + ThreadLocalRandom.current().nextInt(ephemeralRangeStart() - 20_000);
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port found between 20000 and " + ephemeralRangeStart());
    }

    private static int ephemeralRangeStart() {
        try {
            // Line by line: /proc files report a size that makes Files.readString stop early.
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
            return Math.max(21_000, Integer.parseInt(range.split("\\s+")[0]));
        } catch (IOException | RuntimeException e) {
            return 32_768; // Linux's default
        }
    }
}
