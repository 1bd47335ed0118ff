package io.synod.transport;

import io.synod.core.transport.Transport;
import io.synod.core.transport.TransportContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/** The transport contract of core, on real loopback sockets (native epoll where it loads). */
@ExtendWith(NoLeaks.class)
class NettyTransportContractTest extends TransportContract {
    private final TestNodes nodes = new TestNodes(1, 2, 3);

    protected boolean preferNative() {
        return true;
    }

    @Override
    protected Transport createAndStart(int id, Transport.MessageHandler handler) {
        return nodes.start(id, handler, b -> b.preferNativeTransport(preferNative()));
    }

    @AfterEach
    void closeNodes() {
        nodes.closeAll();
    }
}
