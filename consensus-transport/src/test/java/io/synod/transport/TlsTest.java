package io.synod.transport;

import io.synod.core.protocol.Message;
import io.synod.transport.TransportStats.HandshakeRefusal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutual TLS: only a peer whose certificate is signed by the cluster's CA, and names the node id it
 * claims, gets through; everyone else is refused and counted, and never reaches the protocol.
 */
@ExtendWith(NoLeaks.class)
class TlsTest {
    private static TestPki.Identity ca;
    private static TestPki.Identity node1;
    private static TestPki.Identity node2;
    private static TestPki.Identity node3;
    private final TestNodes nodes = new TestNodes(1, 2, 3);
    private final ConcurrentLinkedQueue<Message> receivedBy2 = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void issueCertificates() throws Exception {
        ca = TestPki.authority("Synod Test CA");
        node1 = TestPki.node("node-1", ca);
        node2 = TestPki.node("node-2", ca);
        node3 = TestPki.node("node-3", ca);
    }

    @AfterEach
    void close() {
        nodes.closeAll();
    }

    private NettyTransport startTlsNode2() throws Exception {
        TlsOptions options = tls(node2);
        return nodes.start(2, receivedBy2::add, b -> b.tls(options));
    }

    private static TlsOptions tls(TestPki.Identity identity) throws Exception {
        return TestPki.tls(identity, ca);
    }

    /** Starts node 1 with {@code options} and checks node 2 refuses it for {@code reason}. */
    private void assertRefused(TlsOptions options, HandshakeRefusal reason) throws Exception {
        NettyTransport two = startTlsNode2();
        NettyTransport one = nodes.start(1, m -> { }, b -> b.tls(options));
        Await.until(reason + " refusals", () -> two.stats().handshakesRefused(reason) >= 2);
        assertFalse(one.send(RawPeer.heartbeat(1, 2, 1)));
        assertEquals(0, two.stats().handshakesAccepted());
        assertTrue(receivedBy2.isEmpty());
    }

    @Test
    void peersSignedByTheClusterCaConnectBothWays(@TempDir Path dir) throws Exception {
        ConcurrentLinkedQueue<Message> receivedBy1 = new ConcurrentLinkedQueue<>();
        NettyTransport two = startTlsNode2();
        TlsOptions fromFiles = TestPki.tlsFromFiles(node1, ca, dir);
        NettyTransport one = nodes.start(1, receivedBy1::add, b -> b.tls(fromFiles));
        Await.delivered(one, 2, receivedBy2);
        Await.delivered(two, 1, receivedBy1);
        assertEquals(0, two.stats().handshakesRefused());
        assertEquals(0, one.stats().handshakesRefused());
    }

    @Test
    void aSelfSignedPeerIsRefused() throws Exception {
        assertRefused(TestPki.tls(TestPki.node("node-1", null), ca), HandshakeRefusal.TLS_FAILURE);
    }

    @Test
    void aPeerSignedByAnotherCaIsRefused() throws Exception {
        TestPki.Identity otherCa = TestPki.authority("Other CA");
        assertRefused(TestPki.tls(TestPki.node("node-1", otherCa), ca), HandshakeRefusal.TLS_FAILURE);
    }

    @Test
    void aPeerWithoutAClientCertificateIsRefused() throws Exception {
        assertRefused(TestPki.tls(null, ca), HandshakeRefusal.TLS_FAILURE);
    }

    @Test
    void aPeerWhoseCertificateNamesAnotherNodeIsRefused() throws Exception {
        assertRefused(tls(node3), HandshakeRefusal.CERTIFICATE_MISMATCH);
    }

    @Test
    void aPlaintextPeerIsRefusedByATlsNode() throws Exception {
        NettyTransport two = startTlsNode2();
        NettyTransport one = nodes.start(1, m -> { });
        Await.until("TLS failures", () -> two.stats().handshakesRefused(HandshakeRefusal.TLS_FAILURE) >= 2);
        assertFalse(one.send(RawPeer.heartbeat(1, 2, 1)));
        assertTrue(receivedBy2.isEmpty());
    }

    @Test
    void aDialerRefusesAServerWhoseCertificateNamesAnotherNode() throws Exception {
        // Node 2's address is served by a process holding node 3's (CA-signed) certificate.
        NettyTransport impostor = nodes.start(nodes.options(2).tls(tls(node3)).build(), m -> { });
        TlsOptions options = tls(node1);
        NettyTransport one = nodes.start(1, m -> { }, b -> b.tls(options));
        Await.until("the dialer's certificate check", () -> one.stats().handshakesRefused(HandshakeRefusal.CERTIFICATE_MISMATCH) >= 1);
        assertFalse(one.send(RawPeer.heartbeat(1, 2, 1)));
        assertEquals(0, impostor.stats().messagesIn());
    }
}
