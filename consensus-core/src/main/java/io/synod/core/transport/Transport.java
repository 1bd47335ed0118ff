package io.synod.core.transport;

import io.synod.core.protocol.Message;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Carries protocol messages between the replicas of a node's groups. Delivery is best effort:
 * messages may be dropped (Paxos retransmits), but a transport never reorders the messages of
 * one sender to one receiver, never delivers a message to the wrong node, and never blocks the
 * caller.
 *
 * <p>Thread-safe: {@link #send} may be called from any thread. Inbound messages are handed to
 * the {@link MessageHandler} on the transport's own threads, in order per sender.
 */
public interface Transport extends AutoCloseable {

    /** Starts listening and connecting; inbound messages go to {@code handler}. Call once. */
    void start(MessageHandler handler);

    /**
     * Queues {@code message} for {@code message.to()} and returns at once. Returns false when the
     * message was dropped right away: unknown receiver, peer unreachable, outbound queue full
     * (backpressure) or transport closed. True does not promise delivery.
     */
    boolean send(Message message);

    /**
     * The addresses of nodes this transport was not configured with, learned from the groups'
     * memberships (nodes added by membership changes): from now on it may send to them and must
     * accept their connections. Each call replaces the previous one's set: a node it no longer
     * lists (removed from every group) may be forgotten and its connections dropped. The nodes the
     * transport was created with are always kept, at their configured addresses.
     *
     * <p>The default does nothing: right for a transport that reaches any node by id. Called from
     * one thread at a time, never the transport's own; it may block briefly but never on the network.
     */
    default void updatePeers(Map<Integer, InetSocketAddress> learned) {
    }

    /** The node this transport speaks for. */
    int localNodeId();

    /** Stops sending and receiving and releases every resource. Idempotent. */
    @Override
    void close();

    /** Receives inbound messages; must not block (hand work to another thread). */
    @FunctionalInterface
    interface MessageHandler {
        void onMessage(Message message);
    }
}
