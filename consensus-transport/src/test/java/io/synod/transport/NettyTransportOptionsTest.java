package io.synod.transport;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NettyTransportOptionsTest {
    private static final Map<Integer, InetSocketAddress> MEMBERS = Map.of(
            1, new InetSocketAddress("127.0.0.1", 7001), 2, new InetSocketAddress("127.0.0.1", 7002),
            3, new InetSocketAddress("127.0.0.1", 7003));

    private static String error(NettyTransportOptions.Builder builder) {
        return assertThrows(IllegalArgumentException.class, builder::build).getMessage();
    }

    @Test
    void defaultsAreValid() {
        NettyTransportOptions o = NettyTransportOptions.builder("c", 1, MEMBERS).build();
        assertEquals(16 * 1024 * 1024, o.maxFrameBytes());
        assertEquals(16, o.maxInboundConnections());
        assertEquals(MEMBERS.get(1), o.bindAddress());
        assertTrue(o.ioThreads() >= 1);
        assertFalse(o.tls().isPresent());
    }

    @Test
    void errorsNameTheSettingToChange() {
        assertTrue(error(NettyTransportOptions.builder(" ", 1, MEMBERS)).startsWith("clusterId"));
        assertTrue(error(NettyTransportOptions.builder("c", 4, MEMBERS)).contains("members must include this node (4)"));
        assertTrue(error(NettyTransportOptions.builder("c", 0, MEMBERS)).startsWith("localNodeId"));
        assertTrue(error(NettyTransportOptions.builder("c", 1, MEMBERS).maxFrameBytes(100)).startsWith("maxFrameBytes"));
        assertTrue(error(NettyTransportOptions.builder("c", 1, MEMBERS).writeBufferWaterMarks(10, 5)).startsWith("writeBufferWaterMarks"));
        assertTrue(error(NettyTransportOptions.builder("c", 1, MEMBERS)
                .reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1))).startsWith("reconnectBackoff"));
        assertTrue(error(NettyTransportOptions.builder("c", 1, MEMBERS).handshakeTimeout(Duration.ZERO)).startsWith("handshakeTimeout"));
        assertTrue(error(NettyTransportOptions.builder("c", 1, MEMBERS).maxInboundConnections(1)).startsWith("maxInboundConnections"));
        assertTrue(error(NettyTransportOptions.builder("c", 1, Map.of(1, InetSocketAddress.createUnresolved("nowhere", 1))))
                .contains("resolved"));
    }

    @Test
    void aTransportCannotStartTwiceNorAfterClose() {
        NettyTransport transport = NettyTransport.create(NettyTransportOptions.builder("c", 1,
                Map.of(1, new InetSocketAddress("127.0.0.1", TestNodes.freePort()))).build());
        transport.close();
        assertThrows(IllegalStateException.class, () -> transport.start(m -> { }));
        assertFalse(transport.send(RawPeer.heartbeat(1, 2, 1)));
    }

    @Test
    void aPortInUseIsReportedWithTheAddress() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            NettyTransport transport = NettyTransport.create(NettyTransportOptions.builder("c", 1,
                    Map.of(1, new InetSocketAddress(taken.getInetAddress(), taken.getLocalPort()))).build());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> transport.start(m -> { }));
            assertTrue(e.getMessage().contains(String.valueOf(taken.getLocalPort())), e.getMessage());
            transport.close();
        }
    }
}
