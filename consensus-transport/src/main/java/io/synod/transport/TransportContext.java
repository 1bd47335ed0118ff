package io.synod.transport;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.synod.core.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * What every channel handler of one transport shares: the options, the counters, the inbound
 * message handler, the TLS contexts, and the rule for how a rejection is counted, logged and acted
 * on. Thread-safe (immutable, apart from the thread-safe stats and inbound registry).
 */
final class TransportContext {
    private static final Logger log = LoggerFactory.getLogger(NettyTransport.class);

    private final NettyTransportOptions options;
    private final TransportStats stats;
    private final LogLimiter logLimiter = new LogLimiter(TimeUnit.SECONDS.toNanos(1));
    private final Transport.MessageHandler handler;
    private final SslContext serverTls;
    private final SslContext clientTls;
    private final InboundConnections inbound;
    /** The node ids whose connections the handshake accepts: configured members and peers learned later. */
    private volatile Set<Integer> peers;
    /** Called when a peer's inbound connection is accepted (on its event loop). */
    private final IntConsumer peerAccepted;

    TransportContext(NettyTransportOptions options, TransportStats stats, Transport.MessageHandler handler,
                     SslContext serverTls, SslContext clientTls, Set<Integer> peers, IntConsumer peerAccepted) {
        this.options = options;
        this.peers = Set.copyOf(peers);
        this.peerAccepted = peerAccepted;
        this.stats = stats;
        this.handler = handler;
        this.serverTls = serverTls;
        this.clientTls = clientTls;
        this.inbound = new InboundConnections(options.maxInboundConnections());
    }

    NettyTransportOptions options() {
        return options;
    }

    TransportStats stats() {
        return stats;
    }

    Transport.MessageHandler handler() {
        return handler;
    }

    /** Null without TLS. */
    SslContext serverTls() {
        return serverTls;
    }

    /** Null without TLS. */
    SslContext clientTls() {
        return clientTls;
    }

    InboundConnections inbound() {
        return inbound;
    }

    /** Whether the handshake admits {@code nodeId} (a configured member, or a peer learned since). */
    boolean isPeer(int nodeId) {
        return peers.contains(nodeId);
    }

    Set<Integer> peers() {
        return peers;
    }

    void peers(Set<Integer> ids) {
        this.peers = Set.copyOf(ids);
    }

    /** A peer's inbound connection was accepted: it is up, so our own link to it need not wait out its backoff. */
    void peerAccepted(int nodeId) {
        peerAccepted.accept(nodeId);
    }

    int localNodeId() {
        return options.localNodeId();
    }

    /** Counts and logs a bad frame and closes the connection it came on. */
    void rejectFrame(Channel channel, TransportStats.FrameRejection reason, String detail) {
        stats.frameRejected(reason);
        long suppressed = logLimiter.permit(reason);
        if (suppressed >= 0) {
            log.warn("node {}: closing connection from {}: frame rejected ({}): {}{}", localNodeId(),
                    channel.remoteAddress(), reason, detail, LogLimiter.suppressedNote(suppressed));
        }
        channel.close();
    }

    /** Counts and logs a message that is dropped although its connection is kept. */
    void dropFrame(Channel channel, TransportStats.FrameRejection reason, String detail) {
        stats.frameRejected(reason);
        long suppressed = logLimiter.permit(reason);
        if (suppressed >= 0) {
            log.warn("node {}: dropped a message from {} ({}): {}{}", localNodeId(), channel.remoteAddress(), reason,
                    detail, LogLimiter.suppressedNote(suppressed));
        }
    }

    /** Counts and logs a failed handshake; the caller closes the connection (after a reply, if any). */
    void handshakeRefused(Channel channel, TransportStats.HandshakeRefusal reason, String detail) {
        stats.handshakeRefused(reason);
        long suppressed = logLimiter.permit(reason);
        if (suppressed >= 0) {
            log.warn("node {}: handshake with {} refused ({}): {}{}", localNodeId(), channel.remoteAddress(), reason,
                    detail, LogLimiter.suppressedNote(suppressed));
        }
    }

    /** Logs at most once a second per key: for events that are expected now and then but may repeat fast. */
    void logLimited(Object key, String format, Object... args) {
        long suppressed = logLimiter.permit(key);
        if (suppressed >= 0) {
            log.warn(format + LogLimiter.suppressedNote(suppressed), args);
        }
    }

    Logger log() {
        return log;
    }
}
