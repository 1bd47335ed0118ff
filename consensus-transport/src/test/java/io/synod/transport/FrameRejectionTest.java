package io.synod.transport;

import io.synod.core.protocol.Message;
import io.synod.transport.TransportStats.FrameRejection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad frames after a valid handshake: each is counted and closes the offending connection (a
 * misaddressed message is only dropped), nothing bad reaches the handler, and the real peer (node 3)
 * keeps being served. A raw socket plays node 1.
 */
@ExtendWith(NoLeaks.class)
class FrameRejectionTest {
    private static final int MAX_FRAME = 64 * 1024;
    private final TestNodes nodes = new TestNodes(1, 2, 3);
    private final ConcurrentLinkedQueue<Message> received = new ConcurrentLinkedQueue<>();
    private NettyTransport two;
    private NettyTransport three;

    @BeforeEach
    void start() {
        two = nodes.start(2, received::add, b -> b.maxFrameBytes(MAX_FRAME));
        three = nodes.start(3, m -> { }, b -> b.maxFrameBytes(MAX_FRAME));
    }

    @AfterEach
    void close() {
        nodes.closeAll();
    }

    private void assertClosesConnection(byte[] afterHello, FrameRejection expected) throws Exception {
        try (RawPeer peer = RawPeer.connect(nodes.address(2))) {
            assertTrue(peer.handshake(1, 2).getAccepted());
            peer.write(afterHello);
            assertTrue(peer.awaitClosedByNode(Duration.ofSeconds(5)), "connection not closed for " + expected);
        }
        Await.until(expected + " counted", () -> two.stats().framesRejected(expected) == 1);
        Await.delivered(three, 2, received);
        assertTrue(received.stream().noneMatch(m -> m.from() == 1), "a bad frame reached the handler: " + received);
    }

    @Test
    void anOversizedLengthPrefixIsRefusedBeforeItsBytesArrive() throws Exception {
        assertClosesConnection(RawPeer.lengthPrefix(MAX_FRAME + 1), FrameRejection.OVERSIZED);
    }

    @Test
    void aNegativeLengthPrefixIsRefused() throws Exception {
        assertClosesConnection(RawPeer.lengthPrefix(-5), FrameRejection.NEGATIVE_LENGTH);
    }

    @Test
    void garbageInAFrameIsRefused() throws Exception {
        assertClosesConnection(RawPeer.frame(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x7f}),
                FrameRejection.UNDECODABLE);
    }

    @Test
    void anEnvelopeOfAnUnknownKindIsRefused() throws Exception {
        assertClosesConnection(RawPeer.unknownKindFrame(1, 2), FrameRejection.UNDECODABLE);
    }

    @Test
    void anEnvelopeWithoutABodyIsRefused() throws Exception {
        assertClosesConnection(RawPeer.emptyBodyFrame(1, 2), FrameRejection.UNDECODABLE);
    }

    @Test
    void anEnvelopeClaimingAnotherSenderIsRefused() throws Exception {
        assertClosesConnection(RawPeer.envelopeFrame(RawPeer.heartbeat(3, 2, 1)), FrameRejection.SENDER_MISMATCH);
    }

    @Test
    void aFrameCutShortByTheConnectionClosingIsCounted() throws Exception {
        try (RawPeer peer = RawPeer.connect(nodes.address(2))) {
            assertTrue(peer.handshake(1, 2).getAccepted());
            byte[] whole = RawPeer.envelopeFrame(RawPeer.heartbeat(1, 2, 9));
            peer.write(java.util.Arrays.copyOf(whole, whole.length - 3));
        }
        Await.until("a truncated frame counted", () -> two.stats().framesRejected(FrameRejection.TRUNCATED) == 1);
        Await.delivered(three, 2, received);
        assertTrue(received.stream().noneMatch(m -> m.from() == 1));
    }

    @Test
    void aMessageForAnotherNodeIsDroppedButTheConnectionKept() throws Exception {
        try (RawPeer peer = RawPeer.connect(nodes.address(2))) {
            assertTrue(peer.handshake(1, 2).getAccepted());
            peer.write(RawPeer.envelopeFrame(RawPeer.heartbeat(1, 3, 41)));
            peer.write(RawPeer.envelopeFrame(RawPeer.heartbeat(1, 2, 42)));
            Await.until("the valid message", () -> received.stream().anyMatch(m -> m.from() == 1));
            assertFalse(peer.awaitClosedByNode(Duration.ofMillis(100)));
        }
        assertEquals(1, two.stats().framesRejected(FrameRejection.WRONG_RECEIVER));
        assertEquals(1, received.stream().filter(m -> m.from() == 1).count());
        assertEquals(42, ((Message.Heartbeat) received.stream().filter(m -> m.from() == 1).findFirst().orElseThrow()).commitUpTo());
    }

    @Test
    void aHandshakeFrameLargerThanTheHandshakeLimitIsRefused() throws Exception {
        try (RawPeer peer = RawPeer.connect(nodes.address(2))) {
            peer.write(RawPeer.lengthPrefix(NettyTransportOptions.HANDSHAKE_MAX_FRAME_BYTES + 1));
            assertTrue(peer.awaitClosedByNode(Duration.ofSeconds(5)));
        }
        Await.until("an oversized hello counted", () -> two.stats().framesRejected(FrameRejection.OVERSIZED) == 1);
    }
}
