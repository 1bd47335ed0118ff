package io.synod.core.runtime;

import io.synod.core.protocol.Message;
import io.synod.core.transport.Transport;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sends the heartbeats and heartbeat replies that the groups of one consensus thread produce in one
 * pass as one {@link Message.Batch} per peer, instead of one message per group: with many groups,
 * two nodes exchange one heartbeat message per interval, not one per group.
 *
 * <p>Under load one group produces several heartbeats to a peer in one pass (a leader sends one each
 * time a step advances the commit point without an Accept to carry it). Only the last of each kind
 * per group and peer is sent: it carries everything the earlier ones did (the same or a newer
 * ballot, commit point and read round), and an earlier one left out is no more than the message
 * loss the protocol tolerates. Confined to its consensus thread.
 */
final class HeartbeatCoalescer {
    private final Transport transport;
    private final Map<Integer, PeerMessages> byPeer = new TreeMap<>();
    private volatile long batchesSent;
    private volatile long superseded;

    /** One peer's messages of this pass, at most one per group and kind. */
    private static final class PeerMessages {
        final List<Message> messages = new ArrayList<>();
        /** Position in {@link #messages} by group and kind: {@code 2 * groupId}, plus 1 for a reply. */
        final Map<Long, Integer> positions = new HashMap<>();
    }

    HeartbeatCoalescer(Transport transport) {
        this.transport = transport;
    }

    static boolean coalesces(Message message) {
        return message instanceof Message.Heartbeat || message instanceof Message.HeartbeatReply;
    }

    void add(Message message) {
        PeerMessages peer = byPeer.computeIfAbsent(message.to(), id -> new PeerMessages());
        long key = 2 * message.groupId() + (message instanceof Message.HeartbeatReply ? 1 : 0);
        Integer earlier = peer.positions.putIfAbsent(key, peer.messages.size());
        if (earlier == null) {
            peer.messages.add(message);
        } else {
            peer.messages.set(earlier, message); // the later one supersedes it (see above)
            superseded++;
        }
    }

    /** Sends what was collected: one message alone, several as one batch. Heartbeats lost are resent by the protocol. */
    void flush() {
        if (byPeer.isEmpty()) {
            return;
        }
        for (PeerMessages peer : byPeer.values()) {
            List<Message> messages = peer.messages;
            if (messages.size() == 1) {
                transport.send(messages.get(0));
            } else {
                Message first = messages.get(0);
                transport.send(new Message.Batch(0, first.from(), first.to(), messages));
                batchesSent++;
            }
        }
        byPeer.clear();
    }

    /** Heartbeats and replies left out because a later one of the same group to the same peer replaced them. */
    long superseded() {
        return superseded;
    }

    long batchesSent() {
        return batchesSent;
    }
}
