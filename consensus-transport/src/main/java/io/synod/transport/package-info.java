/**
 * The network transport for Synod on Netty: length-prefixed protobuf frames between replicas,
 * with a handshake, backpressure and optional mutual TLS. The protocol's messages are defined in
 * {@code io.synod.core.protocol.Message}.
 */
package io.synod.transport;
