package io.synod.transport;

import io.synod.core.protocol.Message;
import io.synod.transport.TransportStats.HandshakeRefusal;
import io.synod.transport.proto.Hello;
import io.synod.transport.proto.HelloReply;
import io.synod.transport.proto.RefusalReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Peers that must not be admitted are refused at the handshake, counted, and never reach the protocol. */
@ExtendWith(NoLeaks.class)
class HandshakeRefusalTest {
    private final TestNodes nodes = new TestNodes(1, 2, 3);
    private final ConcurrentLinkedQueue<Message> received = new ConcurrentLinkedQueue<>();

    @AfterEach
    void close() {
        nodes.closeAll();
    }

    private NettyTransport startNode2() {
        return nodes.start(2, received::add, b -> b.handshakeTimeout(Duration.ofMillis(500)));
    }

    @Test
    void aPeerOfAnotherClusterIsRefused() throws Exception {
        NettyTransport two = startNode2();
        NettyTransport stranger = nodes.start(NettyTransportOptions.builder("other-cluster", 1, nodes.members())
                .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100)).build(), m -> { });
        Await.until("a wrong-cluster refusal", () -> two.stats().handshakesRefused(HandshakeRefusal.WRONG_CLUSTER) >= 2
                && stranger.stats().handshakesRefused(HandshakeRefusal.REFUSED_BY_PEER) >= 2);
        assertFalse(stranger.send(RawPeer.heartbeat(1, 2, 1)));
        assertTrue(stranger.stats().messagesDropped(TransportStats.Drop.NOT_CONNECTED) >= 1);
        assertTrue(received.isEmpty());
        assertEquals(0, two.stats().handshakesAccepted());
    }

    @Test
    void aNodeIdOutsideTheMembershipIsRefused() throws Exception {
        NettyTransport two = startNode2();
        Map<Integer, InetSocketAddress> outsiderView = Map.of(2, nodes.address(2),
                4, new InetSocketAddress("127.0.0.1", TestNodes.freePort()));
        NettyTransport outsider = nodes.start(NettyTransportOptions.builder(TestNodes.CLUSTER, 4, outsiderView)
                .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100)).build(), m -> { });
        Await.until("an unknown-node refusal", () -> two.stats().handshakesRefused(HandshakeRefusal.UNKNOWN_NODE) >= 1);
        assertFalse(outsider.send(RawPeer.heartbeat(4, 2, 1)));
        assertTrue(received.isEmpty());
    }

    @Test
    void aPeerThatDialedTheWrongAddressIsRefused() throws Exception {
        NettyTransport two = startNode2();
        // Node 1 believes node 3 lives at node 2's address.
        Map<Integer, InetSocketAddress> confused = Map.of(1, nodes.address(1), 3, nodes.address(2));
        NettyTransport one = nodes.start(NettyTransportOptions.builder(TestNodes.CLUSTER, 1, confused)
                .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100)).build(), m -> { });
        Await.until("a wrong-target refusal", () -> two.stats().handshakesRefused(HandshakeRefusal.WRONG_TARGET) >= 1
                && one.stats().handshakesRefused(HandshakeRefusal.REFUSED_BY_PEER) >= 1);
        assertFalse(one.send(RawPeer.heartbeat(1, 3, 1)));
        assertTrue(received.isEmpty());
    }

    @Test
    void anUnsupportedVersionIsRefusedWithAReply() throws Exception {
        NettyTransport two = startNode2();
        try (RawPeer peer = RawPeer.connect(nodes.address(2))) {
            peer.write(RawPeer.frame(RawPeer.hello(1, 2).toBuilder().setProtocolVersion(Handshake.PROTOCOL_VERSION + 1).build()));
            HelloReply reply = peer.readReply();
            assertFalse(reply.getAccepted());
            assertEquals(RefusalReason.REFUSAL_REASON_UNSUPPORTED_VERSION, reply.getReason());
            assertTrue(peer.awaitClosedByNode(Duration.ofSeconds(5)));
        }
        assertEquals(1, two.stats().handshakesRefused(HandshakeRefusal.UNSUPPORTED_VERSION));
    }

    @Test
    void aNodeClaimingTheAcceptorsOwnIdIsRefused() throws Exception {
        NettyTransport two = startNode2();
        try (RawPeer peer = RawPeer.connect(nodes.address(2))) {
            HelloReply reply = peer.handshake(2, 2);
            assertEquals(RefusalReason.REFUSAL_REASON_UNKNOWN_NODE, reply.getReason());
            assertTrue(peer.awaitClosedByNode(Duration.ofSeconds(5)));
        }
        assertEquals(1, two.stats().handshakesRefused(HandshakeRefusal.UNKNOWN_NODE));
    }

    @Test
    void aFirstFrameThatIsNotAHelloClosesTheConnectionWithoutReply() throws Exception {
        NettyTransport two = startNode2();
        try (RawPeer peer = RawPeer.connect(nodes.address(2))) {
            Hello noMagic = RawPeer.hello(1, 2).toBuilder().setMagic(0).build();
            peer.write(RawPeer.frame(noMagic));
            assertTrue(peer.awaitClosedByNode(Duration.ofSeconds(5)));
        }
        try (RawPeer peer = RawPeer.connect(nodes.address(2))) {
            peer.write(RawPeer.envelopeFrame(RawPeer.heartbeat(1, 2, 1))); // an envelope before any hello
            assertTrue(peer.awaitClosedByNode(Duration.ofSeconds(5)));
        }
        Await.until("two malformed-hello refusals", () -> two.stats().handshakesRefused(HandshakeRefusal.MALFORMED) == 2);
        assertTrue(received.isEmpty());
    }

    @Test
    void aConnectionThatNeverSaysHelloIsClosedAtTheHandshakeTimeout() throws Exception {
        NettyTransport two = startNode2();
        try (RawPeer silent = RawPeer.connect(nodes.address(2))) {
            long start = System.nanoTime();
            assertTrue(silent.awaitClosedByNode(Duration.ofSeconds(10)));
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMillis >= 400, "closed after " + elapsedMillis + " ms, before the 500 ms timeout");
        }
        assertEquals(1, two.stats().handshakesRefused(HandshakeRefusal.TIMEOUT));
        Await.until("the connection to be released", () -> two.inboundConnections() == 0);
    }

    @Test
    void aValidPeerIsAcceptedAndDelivers() throws Exception {
        NettyTransport two = startNode2();
        NettyTransport one = nodes.start(1, m -> { });
        Await.delivered(one, 2, received);
        assertEquals(0, two.stats().handshakesRefused());
        assertTrue(two.stats().handshakesAccepted() >= 1);
        assertTrue(two.stats().bytesIn() > 0 && one.stats().bytesOut() > 0);
    }
}
