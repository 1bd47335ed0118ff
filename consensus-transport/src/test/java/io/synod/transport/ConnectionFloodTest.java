package io.synod.transport;

import io.synod.core.protocol.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Many connections that never say hello: at most maxInboundConnections are held, each only until
 * the handshake timeout; the rest are closed at once. Afterwards a real peer gets through.
 */
@ExtendWith(NoLeaks.class)
class ConnectionFloodTest {
    private static final int MAX_INBOUND = 8;
    private static final int FLOOD = 200;
    private final TestNodes nodes = new TestNodes(1, 2);

    @AfterEach
    void close() {
        nodes.closeAll();
    }

    @Test
    void aFloodOfSilentConnectionsIsBoundedAndARealPeerStillGetsThrough() throws Exception {
        ConcurrentLinkedQueue<Message> received = new ConcurrentLinkedQueue<>();
        NettyTransport two = nodes.start(2, received::add,
                b -> b.maxInboundConnections(MAX_INBOUND).handshakeTimeout(Duration.ofSeconds(2)));
        List<Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < FLOOD; i++) {
                flood.add(new Socket(nodes.address(2).getAddress(), nodes.address(2).getPort()));
                assertTrue(two.inboundConnections() <= MAX_INBOUND, "inbound connections above the limit");
            }
            // Each silent connection is either refused at once (over the limit) or held until its
            // handshake times out; how many of each depends on how fast the flood arrives.
            Await.until("every silent connection refused or timed out", () -> two.stats().connectionsOverLimit()
                    + two.stats().handshakesRefused(TransportStats.HandshakeRefusal.TIMEOUT) >= FLOOD
                    && two.inboundConnections() == 0);
            assertTrue(two.stats().connectionsOverLimit() > 0, "the limit refused some connections");
            NettyTransport one = nodes.start(1, m -> { });
            Await.delivered(one, 2, received);
            assertTrue(received.stream().allMatch(m -> m.from() == 1));
        } finally {
            for (Socket socket : flood) {
                closeQuietly(socket);
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // test cleanup
        }
    }
}
