package io.synod.transport.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline: the least Netty code that does what NettyTransport's data path does — a sender
 * thread writing 4-byte-length-prefixed frames of {@code payloadBytes} with writeAndFlush through a
 * FlushConsolidationHandler, skipping while the channel is not writable (same water marks, 1 MiB /
 * 4 MiB), and a receiver splitting frames and counting them. No protobuf, no handshake.
 */
final class RawNettyPipe {
    private RawNettyPipe() {
    }

    /** Messages per second. */
    static double run(int payloadBytes, int messages) throws Exception {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup server = new MultiThreadIoEventLoopGroup(2, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        EventLoopGroup client = new MultiThreadIoEventLoopGroup(2, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        AtomicLong arrived = new AtomicLong();
        try {
            Channel listener = new ServerBootstrap().group(server)
                    .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(16 << 20, 0, 4, 0, 4));
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ((ByteBuf) msg).release();
                                    arrived.lazySet(arrived.get() + 1);
                                }
                            });
                        }
                    }).bind(TransportBench.loopback()).sync().channel();
            Channel channel = new Bootstrap().group(client)
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1 << 20, 4 << 20))
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new FlushConsolidationHandler(256, true));
                        }
                    }).connect(listener.localAddress()).sync().channel();
            byte[] payload = new byte[payloadBytes];
            long start = System.nanoTime();
            for (long i = 0; i < messages; ) {
                if (channel.isWritable()) {
                    ByteBuf frame = channel.alloc().ioBuffer(4 + payloadBytes);
                    frame.writeInt(payloadBytes).writeBytes(payload);
                    channel.writeAndFlush(frame, channel.voidPromise());
                    i++;
                } else {
                    Thread.onSpinWait();
                }
            }
            TransportBench.awaitCount(arrived, messages);
            double rate = messages / ((System.nanoTime() - start) / 1e9);
            channel.close().sync();
            listener.close().sync();
            return rate;
        } finally {
            client.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            server.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
