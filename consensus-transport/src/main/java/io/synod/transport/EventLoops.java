package io.synod.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.TimeUnit;

/**
 * The event-loop threads of one transport and the matching channel classes: native epoll when it
 * loads and is preferred, NIO otherwise. Owned by the transport, shut down by {@link #shutdown}.
 */
final class EventLoops {
    private final EventLoopGroup group;
    private final boolean epoll;

    EventLoops(int threads, boolean preferNative, int nodeId) {
        this.epoll = preferNative && Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        // Daemon threads: a host that forgets close() can still exit.
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("synod-transport-" + nodeId, true), io);
    }

    EventLoopGroup group() {
        return group;
    }

    boolean isEpoll() {
        return epoll;
    }

    Class<? extends ServerChannel> serverChannelType() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    Class<? extends Channel> channelType() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    boolean inEventLoop() {
        for (EventExecutor executor : group) {
            if (executor.inEventLoop()) {
                return true;
            }
        }
        return false;
    }

    /** Stops the threads; waits for them unless called from one of them (which would deadlock). */
    void shutdown() {
        var terminated = group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        if (!inEventLoop()) {
            terminated.awaitUninterruptibly(10, TimeUnit.SECONDS);
        }
    }
}
