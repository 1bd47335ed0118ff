package io.synod.transport;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one {@link NettyTransport}, for monitoring and tests. Every counter only grows, from
 * the transport's creation. No metrics library: read the values and export them however the host
 * application does.
 *
 * <p>Thread-safe: counters are updated by the transport's threads and may be read from any thread;
 * a read sees a recent value, not a snapshot consistent across counters.
 */
public final class TransportStats {

    /** Why a handshake did not complete. */
    public enum HandshakeRefusal {
        /** The dialer's cluster id differs from ours. */
        WRONG_CLUSTER,
        /** The dialer claims a node id that is not a member (or is our own id). */
        UNKNOWN_NODE,
        /** The dialer speaks a protocol version this release does not. */
        UNSUPPORTED_VERSION,
        /** The dialer meant to reach another node id, or the node we dialed answered as another node. */
        WRONG_TARGET,
        /** With TLS: the peer's certificate does not name the node id it claims ({@code node-<id>}). */
        CERTIFICATE_MISMATCH,
        /** The first frame was not a valid Hello (or HelloReply): not a Synod peer, or garbage. */
        MALFORMED,
        /** No valid Hello (or reply) within the handshake timeout. */
        TIMEOUT,
        /** The TLS handshake failed: no certificate, or one not signed by the configured CA. */
        TLS_FAILURE,
        /** We dialed a peer and it refused us (its log says why; ours logs the reason it sent). */
        REFUSED_BY_PEER
    }

    /** Why an inbound frame was rejected. */
    public enum FrameRejection {
        /** The length prefix exceeds the limit (rejected before any allocation); connection closed. */
        OVERSIZED,
        /** The length prefix is negative; connection closed. */
        NEGATIVE_LENGTH,
        /** Not a valid envelope, or one with a message kind this release does not know; connection closed. */
        UNDECODABLE,
        /** The envelope's sender is not the node authenticated on this connection; connection closed. */
        SENDER_MISMATCH,
        /** The envelope is addressed to another node; the message is dropped, the connection kept. */
        WRONG_RECEIVER,
        /** Data where none is expected (from the acceptor after its reply); connection closed. */
        UNEXPECTED,
        /** The connection closed in the middle of a frame. */
        TRUNCATED
    }

    /** Why {@link NettyTransport#send} returned false. */
    public enum Drop {
        /** No handshaken connection to the receiver right now (starting, reconnecting, or refused). */
        NOT_CONNECTED,
        /** The connection's write buffer is above its high water mark: the peer or network is slow. */
        BACKPRESSURE,
        /** The receiver is not a member, or is this node. */
        UNKNOWN_RECEIVER,
        /** The message's sender is not this node. */
        WRONG_SENDER,
        /** The encoded message is larger than the maximum frame size; the peer would refuse it. */
        OVERSIZED,
        /** The transport is closed (or not yet started). */
        CLOSED
    }

    private final Map<HandshakeRefusal, LongAdder> handshakeRefusals = adders(HandshakeRefusal.class);
    private final Map<FrameRejection, LongAdder> frameRejections = adders(FrameRejection.class);
    private final Map<Drop, LongAdder> drops = adders(Drop.class);
    private final LongAdder connectionsOverLimit = new LongAdder();
    private final LongAdder handshakesAccepted = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final LongAdder messagesOut = new LongAdder();
    private final LongAdder messagesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder handlerFailures = new LongAdder();

    TransportStats() {
    }

    private static <E extends Enum<E>> Map<E, LongAdder> adders(Class<E> type) {
        Map<E, LongAdder> map = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            map.put(e, new LongAdder());
        }
        return map;
    }

    public long handshakesRefused(HandshakeRefusal reason) {
        return handshakeRefusals.get(reason).sum();
    }

    /** Handshakes refused for any reason. */
    public long handshakesRefused() {
        return handshakeRefusals.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Connections that completed the handshake, in either direction. */
    public long handshakesAccepted() {
        return handshakesAccepted.sum();
    }

    public long framesRejected(FrameRejection reason) {
        return frameRejections.get(reason).sum();
    }

    /** Frames rejected for any reason. */
    public long framesRejected() {
        return frameRejections.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long messagesDropped(Drop reason) {
        return drops.get(reason).sum();
    }

    /** Inbound connections closed at once because {@code maxInboundConnections} were already open. */
    public long connectionsOverLimit() {
        return connectionsOverLimit.sum();
    }

    /** Connection attempts to peers after a failed attempt or a lost connection. */
    public long reconnects() {
        return reconnects.sum();
    }

    /** Messages accepted by {@link NettyTransport#send} (not a promise of delivery). */
    public long messagesOut() {
        return messagesOut.sum();
    }

    /** Messages handed to the {@code MessageHandler}. */
    public long messagesIn() {
        return messagesIn.sum();
    }

    /** Frame bytes, length prefixes included, of the messages accepted by send. */
    public long bytesOut() {
        return bytesOut.sum();
    }

    /** Frame bytes, length prefixes included, received on handshaken connections. */
    public long bytesIn() {
        return bytesIn.sum();
    }

    /** Times the {@code MessageHandler} threw; the transport logs and carries on. */
    public long handlerFailures() {
        return handlerFailures.sum();
    }

    void handshakeRefused(HandshakeRefusal reason) {
        handshakeRefusals.get(reason).increment();
    }

    void handshakeAccepted() {
        handshakesAccepted.increment();
    }

    void frameRejected(FrameRejection reason) {
        frameRejections.get(reason).increment();
    }

    void dropped(Drop reason) {
        drops.get(reason).increment();
    }

    void connectionOverLimit() {
        connectionsOverLimit.increment();
    }

    void reconnect() {
        reconnects.increment();
    }

    void sent(int frameBytes) {
        messagesOut.increment();
        bytesOut.add(frameBytes);
    }

    void frameReceived(int frameBytes) {
        bytesIn.add(frameBytes);
    }

    void delivered() {
        messagesIn.increment();
    }

    void handlerFailed() {
        handlerFailures.increment();
    }

    @Override
    public String toString() {
        return "TransportStats{out=" + messagesOut() + " msgs/" + bytesOut() + " B, in=" + messagesIn() + " msgs/"
                + bytesIn() + " B, handshakesAccepted=" + handshakesAccepted() + ", refused=" + nonZero(handshakeRefusals)
                + ", framesRejected=" + nonZero(frameRejections) + ", dropped=" + nonZero(drops)
                + ", connectionsOverLimit=" + connectionsOverLimit() + ", reconnects=" + reconnects()
                + ", handlerFailures=" + handlerFailures() + "}";
    }

    private static <E extends Enum<E>> Map<E, Long> nonZero(Map<E, LongAdder> counters) {
        Map<E, Long> out = new java.util.TreeMap<>();
        counters.forEach((k, v) -> {
            if (v.sum() != 0) {
                out.put(k, v.sum());
            }
        });
        return out;
    }
}
