package io.synod.core.runtime;

import io.synod.core.protocol.Message;
import io.synod.core.transport.Transport;

import java.util.function.Consumer;

/** A transport that shows every message it is asked to send to an observer, then sends it. */
final class CountingTransport implements Transport {
    private final Transport delegate;
    private final Consumer<Message> observer;

    CountingTransport(Transport delegate, Consumer<Message> observer) {
        this.delegate = delegate;
        this.observer = observer;
    }

    @Override
    public void start(MessageHandler handler) {
        delegate.start(handler);
    }

    @Override
    public boolean send(Message message) {
        observer.accept(message);
        return delegate.send(message);
    }

    @Override
    public int localNodeId() {
        return delegate.localNodeId();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
