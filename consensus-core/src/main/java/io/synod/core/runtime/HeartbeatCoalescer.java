package io.synod.core.runtime;

import io.synod.core.protocol.Message;
import io.synod.core.transport.Transport;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sends the heartbeats and heartbeat replies that the groups of one consensus thread produce in one
 * pass as one {@link Message.Batch} per peer, instead of one message per group: with many groups,
 * two nodes exchange one heartbeat message per interval, not one per group. Confined to its
 * consensus thread.
 */
final class HeartbeatCoalescer {
    private final Transport transport;
    private final Map<Integer, List<Message>> byPeer = new TreeMap<>();
    private volatile long batchesSent;

    HeartbeatCoalescer(Transport transport) {
        this.transport = transport;
    }

    static boolean coalesces(Message message) {
        return message instanceof Message.Heartbeat || message instanceof Message.HeartbeatReply;
    }

    void add(Message message) {
        byPeer.computeIfAbsent(message.to(), peer -> new ArrayList<>()).add(message);
    }

    /** Sends what was collected: one message alone, several as one batch. Heartbeats lost are resent by the protocol. */
    void flush() {
        if (byPeer.isEmpty()) {
            return;
        }
        for (List<Message> messages : byPeer.values()) {
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

    long batchesSent() {
        return batchesSent;
    }
}
