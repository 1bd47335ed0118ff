package io.synod.transport;

import io.synod.transport.proto.Hello;
import io.synod.transport.proto.HelloReply;
import io.synod.transport.proto.RefusalReason;

import java.security.cert.X509Certificate;
import java.util.Set;

/**
 * The handshake's constants and the acceptor's rules, as pure functions: which Hello is accepted,
 * and which reason a refusal gives. Stateless and thread-safe.
 */
final class Handshake {
    /** "SYND": the first field of every Hello. */
    static final int MAGIC = 0x53594E44;
    /** The transport protocol version this release speaks. */
    static final int PROTOCOL_VERSION = 1;
    /** The oldest version this release accepts from a dialer. */
    static final int MIN_PROTOCOL_VERSION = 1;

    private Handshake() {
    }

    /** A refusal: the counter's reason, the reason sent to the dialer (null: send no reply), and a log detail. */
    record Refusal(TransportStats.HandshakeRefusal reason, RefusalReason wireReason, String detail) {
    }

    static Hello hello(NettyTransportOptions options, int targetNodeId) {
        return Hello.newBuilder().setMagic(MAGIC).setProtocolVersion(PROTOCOL_VERSION)
                .setClusterId(options.clusterId()).setNodeId(options.localNodeId()).setTargetNodeId(targetNodeId).build();
    }

    static HelloReply accepted(int localNodeId) {
        return HelloReply.newBuilder().setAccepted(true).setNodeId(localNodeId).setProtocolVersion(PROTOCOL_VERSION).build();
    }

    static HelloReply refused(int localNodeId, Refusal refusal) {
        return HelloReply.newBuilder().setAccepted(false).setNodeId(localNodeId).setReason(refusal.wireReason())
                .setDetail(refusal.detail()).build();
    }

    /**
     * Null if {@code hello} may proceed; otherwise why not. {@code peers} are the node ids admitted
     * (members and peers learned since); {@code peerCertificate} is the TLS client certificate, or
     * null without TLS.
     */
    static Refusal check(Hello hello, NettyTransportOptions options, Set<Integer> peers, X509Certificate peerCertificate) {
        if (hello.getMagic() != MAGIC) {
            return new Refusal(TransportStats.HandshakeRefusal.MALFORMED, null,
                    String.format("first frame is not a Synod hello (magic %08x)", hello.getMagic()));
        }
        int version = hello.getProtocolVersion();
        if (version < MIN_PROTOCOL_VERSION || version > PROTOCOL_VERSION) {
            return new Refusal(TransportStats.HandshakeRefusal.UNSUPPORTED_VERSION, RefusalReason.REFUSAL_REASON_UNSUPPORTED_VERSION,
                    "protocol version " + Integer.toUnsignedString(version) + " is not supported; this node speaks "
                            + MIN_PROTOCOL_VERSION + " to " + PROTOCOL_VERSION);
        }
        if (!options.clusterId().equals(hello.getClusterId())) {
            return new Refusal(TransportStats.HandshakeRefusal.WRONG_CLUSTER, RefusalReason.REFUSAL_REASON_WRONG_CLUSTER,
                    "peer belongs to cluster '" + hello.getClusterId() + "', this node to '" + options.clusterId() + "'");
        }
        int nodeId = hello.getNodeId();
        if (nodeId == options.localNodeId() || !peers.contains(nodeId)) {
            return new Refusal(TransportStats.HandshakeRefusal.UNKNOWN_NODE, RefusalReason.REFUSAL_REASON_UNKNOWN_NODE,
                    "node id " + Integer.toUnsignedString(nodeId) + " is not a peer of node " + options.localNodeId()
                            + " (peers " + new java.util.TreeSet<>(peers) + "; a node added by a membership change"
                            + " is admitted once this node has learned of the change)");
        }
        if (hello.getTargetNodeId() != options.localNodeId()) {
            return new Refusal(TransportStats.HandshakeRefusal.WRONG_TARGET, RefusalReason.REFUSAL_REASON_WRONG_TARGET,
                    "node " + nodeId + " dialed node " + Integer.toUnsignedString(hello.getTargetNodeId())
                            + " but reached node " + options.localNodeId() + " (check the members' addresses)");
        }
        if (peerCertificate != null && !CertificateIdentity.names(peerCertificate, nodeId)) {
            return new Refusal(TransportStats.HandshakeRefusal.CERTIFICATE_MISMATCH, RefusalReason.REFUSAL_REASON_CERTIFICATE_MISMATCH,
                    "peer claims node " + nodeId + " but its certificate (" + peerCertificate.getSubjectX500Principal()
                            + ") does not name " + CertificateIdentity.nameOf(nodeId));
        }
        return null;
    }
}
