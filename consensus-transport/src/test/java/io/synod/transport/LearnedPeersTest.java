package io.synod.transport;

import io.synod.core.protocol.Message;
import io.synod.transport.TransportStats.HandshakeRefusal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Peers learned after start ({@code updatePeers}): a node added to the group by a membership change
 * is refused until the others learn of it, then reached and admitted at once; one dropped again
 * is disconnected and refused.
 */
@ExtendWith(NoLeaks.class)
class LearnedPeersTest {
    /** Node 3 joins later: nodes 1 and 2 are configured without it; it knows them all. */
    private final TestNodes nodes = new TestNodes(1, 2, 3);
    private final ConcurrentLinkedQueue<Message> atOne = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Message> atThree = new ConcurrentLinkedQueue<>();

    @AfterEach
    void close() {
        nodes.closeAll();
    }

    @Test
    void aNodeAddedLaterIsAdmittedAndReachedOnceLearnedAndDroppedWhenForgotten() throws Exception {
        Map<Integer, java.net.InetSocketAddress> initial = Map.of(1, nodes.address(1), 2, nodes.address(2));
        NettyTransport one = nodes.start(NettyTransportOptions.builder(TestNodes.CLUSTER, 1, initial)
                .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200)).ioThreads(1).build(), atOne::add);
        // A long backoff on the newcomer: only the redial on an accepted inbound connection lets it
        // reach node 1 quickly once node 1 has learned of it.
        NettyTransport three = nodes.start(3, atThree::add,
                b -> b.reconnectBackoff(Duration.ofSeconds(30), Duration.ofSeconds(60)));
        Await.until("node 1 refusing the unknown node 3", () -> one.stats().handshakesRefused(HandshakeRefusal.UNKNOWN_NODE) >= 1);
        assertFalse(one.send(RawPeer.heartbeat(1, 3, 1)), "node 1 does not know node 3 yet");

        long started = System.nanoTime();
        one.updatePeers(Map.of(3, nodes.address(3)));
        Await.delivered(one, 3, atThree);
        Await.delivered(three, 1, atOne);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(millis < 10_000, "node 3 reached node 1 only after " + millis + " ms: it waited out its backoff");

        one.updatePeers(Map.of()); // node 3 was removed from every group
        assertFalse(one.send(RawPeer.heartbeat(1, 3, 2)), "node 1 forgot node 3");
        Await.until("node 3's connection to node 1 dropped", () -> !three.send(RawPeer.heartbeat(3, 1, 3)));
    }

    @Test
    void aPeerLearnedBeforeStartIsDialedAtStart() throws Exception {
        NettyTransport three = nodes.start(3, atThree::add);
        NettyTransport one = NettyTransport.create(NettyTransportOptions.builder(TestNodes.CLUSTER, 1,
                Map.of(1, nodes.address(1))).reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(200)).ioThreads(1).build());
        try {
            one.updatePeers(Map.of(3, nodes.address(3)));
            one.start(atOne::add);
            Await.delivered(one, 3, atThree);
            Await.delivered(three, 1, atOne);
        } finally {
            one.close();
        }
    }
}
