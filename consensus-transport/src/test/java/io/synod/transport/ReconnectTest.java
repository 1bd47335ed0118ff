package io.synod.transport;

import io.synod.core.protocol.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A peer that is down, late, or restarted is reached again without anyone's help. */
@ExtendWith(NoLeaks.class)
class ReconnectTest {
    private final TestNodes nodes = new TestNodes(1, 2);

    @AfterEach
    void close() {
        nodes.closeAll();
    }

    @Test
    void aPeerThatStartsLaterIsReached() throws Exception {
        NettyTransport one = nodes.start(1, m -> { });
        assertFalse(one.send(RawPeer.heartbeat(1, 2, 1)), "nothing to send on before node 2 exists");
        assertTrue(one.stats().messagesDropped(TransportStats.Drop.NOT_CONNECTED) >= 1);
        Await.until("a few failed dials", () -> one.stats().reconnects() >= 3);
        ConcurrentLinkedQueue<Message> received = new ConcurrentLinkedQueue<>();
        nodes.start(2, received::add);
        Await.delivered(one, 2, received);
    }

    @Test
    void aPeerRestartedRepeatedlyIsReachedEachTimeAndReachesUsToo() throws Exception {
        ConcurrentLinkedQueue<Message> receivedBy1 = new ConcurrentLinkedQueue<>();
        NettyTransport one = nodes.start(1, receivedBy1::add);
        for (int incarnation = 0; incarnation < 4; incarnation++) {
            ConcurrentLinkedQueue<Message> receivedBy2 = new ConcurrentLinkedQueue<>();
            NettyTransport two = nodes.start(2, receivedBy2::add);
            Await.delivered(one, 2, receivedBy2);
            Await.delivered(two, 1, receivedBy1);
            two.close();
            Await.until("node 1 to notice node 2 is gone", () -> one.connectionTo(2) == null);
        }
    }
}
