package io.synod.core.runtime;

import io.synod.core.protocol.Message;
import io.synod.core.transport.Transport;

import java.util.ArrayList;
import java.util.List;

/** A transport for node 1 that keeps every message it is asked to send, in order, and delivers none. */
final class RecordingTransport implements Transport {
    final List<Message> sent = new ArrayList<>();

    @Override
    public void start(MessageHandler handler) {
    }

    @Override
    public boolean send(Message message) {
        sent.add(message);
        return true;
    }

    @Override
    public int localNodeId() {
        return 1;
    }

    @Override
    public void close() {
    }
}
