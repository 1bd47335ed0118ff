package io.synod.examples.faults;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy per directed link between node processes: node {@code from} reaches node {@code to}
 * through {@code address(from, to)}. Each link can be cut (bytes in both directions of its
 * connections are dropped — a black hole, like a real partition: nothing is reset, the sender's
 * timeouts must notice) or delayed. Cutting {@code from→to} alone is one-way loss: {@code to}'s
 * messages still reach {@code from} over the link {@code to→from}.
 */
final class FaultProxy implements AutoCloseable {
    /** The state of one directed link, and its open connections (front sides). */
    private static final class Link {
        volatile boolean cut;
        volatile long delayMillis;
        final java.util.Set<Channel> connections = ConcurrentHashMap.newKeySet();

        /** Closes every connection: a cut must not drop bytes from the middle of a TCP stream. */
        void closeAll() {
            connections.forEach(Channel::close);
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Map<String, Link> links = new ConcurrentHashMap<>();
    private final Map<String, InetSocketAddress> addresses = new ConcurrentHashMap<>();
    private final Map<String, Channel> listeners = new ConcurrentHashMap<>();

    /** Opens a proxy for every ordered pair of {@code nodes}, on the given free ports. */
    FaultProxy(Map<Integer, InetSocketAddress> nodes, java.util.Iterator<Integer> freePorts) {
        for (int from : nodes.keySet()) {
            for (int to : nodes.keySet()) {
                if (from != to) {
                    open(from, to, nodes.get(to), freePorts.next());
                }
            }
        }
    }

    private static String name(int from, int to) {
        return from + "->" + to;
    }

    InetSocketAddress address(int from, int to) {
        return addresses.get(name(from, to));
    }

    /**
     * Cuts the link: its connections are closed (dropping bytes from the middle of a stream would
     * corrupt it, which no real network does), and new ones are accepted but lead nowhere until
     * {@link #heal}, so the sender sees what a partition shows: silence and timeouts.
     */
    void cut(int from, int to) {
        Link link = links.get(name(from, to));
        link.cut = true;
        link.closeAll();
    }

    void heal(int from, int to) {
        Link link = links.get(name(from, to));
        if (link.cut) {
            link.cut = false;
            link.closeAll(); // the ones held during the cut; the sender reconnects
        }
    }

    void delay(int from, int to, long millis) {
        links.get(name(from, to)).delayMillis = millis;
    }

    void healAll() {
        links.values().forEach(l -> {
            l.delayMillis = 0;
            if (l.cut) {
                l.cut = false;
                l.closeAll();
            }
        });
    }

    private void open(int from, int to, InetSocketAddress target, int port) {
        Link link = new Link();
        links.put(name(from, to), link);
        InetSocketAddress listen = new InetSocketAddress(target.getAddress(), port);
        Channel listener = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel inbound) {
                        inbound.pipeline().addLast(new Front(link, target));
                    }
                }).bind(listen).syncUninterruptibly().channel();
        listeners.put(name(from, to), listener);
        addresses.put(name(from, to), listen);
    }

    /** The client side of a proxied connection: connects to the target and relays both ways. */
    private final class Front extends ChannelInboundHandlerAdapter {
        private final Link link;
        private final InetSocketAddress target;
        private Channel back;

        Front(Link link, InetSocketAddress target) {
            this.link = link;
            this.target = target;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel front = ctx.channel();
            link.connections.add(front);
            front.closeFuture().addListener(f -> link.connections.remove(front));
            if (link.cut) {
                front.config().setAutoRead(true); // held: read and dropped until the link heals
                return;
            }
            new Bootstrap().group(front.eventLoop()).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new Relay(link, front))
                    .connect(target).addListener(f -> {
                        if (f.isSuccess()) {
                            back = ((io.netty.channel.ChannelFuture) f).channel();
                            front.config().setAutoRead(true);
                        } else {
                            front.close();
                        }
                    });
        }

        private final Ordered ordered = new Ordered();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ordered.forward(link, msg, back);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (back != null) {
                back.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Relays the target's replies back to the front connection. */
    private static final class Relay extends ChannelInboundHandlerAdapter {
        private final Link link;
        private final Channel front;

        private final Ordered ordered = new Ordered();

        Relay(Link link, Channel front) {
            this.link = link;
            this.front = front;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ordered.forward(link, msg, front);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            front.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Forwards one direction of one connection, delayed as the link says, never out of order. */
    private static final class Ordered {
        private long lastDueNanos;

        void forward(Link link, Object msg, Channel to) {
            if (link.cut || to == null || !to.isActive()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            long now = System.nanoTime();
            long due = Math.max(now + TimeUnit.MILLISECONDS.toNanos(link.delayMillis), lastDueNanos);
            lastDueNanos = due;
            if (due <= now) {
                to.writeAndFlush(msg);
            } else {
                to.eventLoop().schedule(() -> {
                    if (to.isActive()) {
                        to.writeAndFlush(msg);
                    } else {
                        ReferenceCountUtil.release(msg);
                    }
                }, due - now, TimeUnit.NANOSECONDS);
            }
        }
    }

    @Override
    public void close() {
        listeners.values().forEach(Channel::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
