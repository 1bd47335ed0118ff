package io.synod.transport;

import io.synod.core.transport.Transport;
import io.synod.core.transport.TransportProvider;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * The default transport of {@code SynodNode.builder().members(addresses)}: Netty with default
 * {@link NettyTransportOptions}. For TLS or other settings, build a {@link NettyTransport} and pass
 * it to the builder's {@code transport(...)}. Registered in META-INF/services.
 */
public final class NettyTransportProvider implements TransportProvider {
    @Override
    public Transport create(String clusterId, int nodeId, Map<Integer, InetSocketAddress> members) {
        return NettyTransport.create(NettyTransportOptions.builder(clusterId, nodeId, members).build());
    }
}
