package io.synod.core.transport;

import java.net.InetSocketAddress;
import java.util.Map;

/**
 * Creates the default {@link Transport} for {@code SynodNode.builder().members(addresses)}. Found
 * with {@link java.util.ServiceLoader}; the consensus-transport module provides the Netty one.
 */
public interface TransportProvider {
    /** A transport for {@code nodeId}; {@code members} maps every member (this one too) to its address. */
    Transport create(String clusterId, int nodeId, Map<Integer, InetSocketAddress> members);
}
