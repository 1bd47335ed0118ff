package io.synod.core.transport;

/** The transport contract against the in-process network. */
class InMemoryTransportTest extends TransportContract {
    private final InMemoryNetwork network = new InMemoryNetwork();

    @Override
    protected Transport createAndStart(int id, Transport.MessageHandler handler) {
        Transport transport = network.join(id);
        transport.start(handler);
        return transport;
    }
}
