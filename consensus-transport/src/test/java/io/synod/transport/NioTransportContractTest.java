package io.synod.transport;

/** The transport contract again on Java NIO, the fallback where native epoll does not load. */
class NioTransportContractTest extends NettyTransportContractTest {
    @Override
    protected boolean preferNative() {
        return false;
    }
}
