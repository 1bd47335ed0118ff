package io.synod.transport;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.synod.core.protocol.Message;

import java.net.InetSocketAddress;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * This node's sending side towards one peer: one outbound connection, dialed at start and redialed
 * with exponential backoff and jitter whenever it fails or is lost, for as long as the transport is
 * open. Messages go out only on a handshaken connection; while there is none, or while its
 * {@link FrameQueue} has no room (the frames accepted and not yet written to the socket would pass
 * the high water mark), {@link #send} drops them (Paxos retransmits) instead of queueing.
 * Connection state changes run on one event loop; send may be called from any thread.
 */
final class PeerLink {
    /** Flushes that may be coalesced before one is forced (see FlushConsolidationHandler). */
    private static final int FLUSH_COALESCE_LIMIT = 256;

    private final TransportContext context;
    private final int peerId;
    private final InetSocketAddress address;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final Backoff backoff;
    private volatile Channel handshaken;
    private volatile FrameQueue outbound;
    private volatile Channel current;
    private volatile boolean closed;
    private boolean reportedUnreachable;
    /** The redial waiting out its backoff, or null (on {@link #loop}). */
    private ScheduledFuture<?> redial;

    PeerLink(TransportContext context, int peerId, InetSocketAddress address, EventLoops loops) {
        this.context = context;
        this.peerId = peerId;
        this.address = address;
        this.loop = loops.group().next();
        NettyTransportOptions options = context.options();
        this.backoff = new Backoff(options.reconnectBackoffMin().toNanos(), options.reconnectBackoffMax().toNanos(),
                bound -> ThreadLocalRandom.current().nextLong(bound));
        this.bootstrap = new Bootstrap().group(loop).channel(loops.channelType())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, options.handshakeTimeout().toMillis()))
                // Netty's own writability is switched off: the FrameQueue's budget covers Netty's buffer
                // too (a second bound on Netty's buffer alone is what let a connection hold twice the
                // high mark), and Netty's default 64 KiB mark would only fire writability events nobody reads.
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(Integer.MAX_VALUE, Integer.MAX_VALUE))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        initPipeline(channel);
                    }
                });
    }

    private void initPipeline(Channel channel) {
        if (context.clientTls() != null) {
            channel.pipeline().addLast("tls", TlsContexts.handler(context.clientTls(), channel,
                    context.options().handshakeTimeout().toMillis()));
        }
        channel.pipeline().addLast("frames", new FrameDecoder(context));
        channel.pipeline().addLast("handshake", new OutboundHandshakeHandler(context, this));
        // Sends call writeAndFlush from any thread; this turns a burst of them into one flush (one syscall).
        channel.pipeline().addLast("flush", new FlushConsolidationHandler(FLUSH_COALESCE_LIMIT, true));
    }

    int peerId() {
        return peerId;
    }

    InetSocketAddress address() {
        return address;
    }

    /**
     * The peer just connected to us, so it is up: if this link is waiting out a backoff, redial now.
     * This matters when a node is added to the group: it dialed us before we knew it (refused, so its
     * backoff grew), and it would otherwise reach us only seconds after we learned of it.
     */
    void redialNow() {
        execute(() -> {
            if (closed || handshaken != null || current != null || redial == null || !redial.cancel(false)) {
                return;
            }
            redial = null;
            backoff.reset();
            connect();
        });
    }

    void start() {
        execute(this::connect);
    }

    /** Encodes and queues {@code message} on the handshaken connection, or drops it and says why. */
    boolean send(Message message) {
        Channel channel = handshaken;
        if (channel == null) {
            context.stats().dropped(TransportStats.Drop.NOT_CONNECTED);
            return false;
        }
        FrameQueue queue = outbound;
        if (queue == null || queue.full()) { // refused before encoding: no frame built only to be dropped
            context.stats().dropped(TransportStats.Drop.BACKPRESSURE);
            return false;
        }
        ByteBuf frame = Frames.encode(channel.alloc(), message, context.options().maxFrameBytes());
        if (frame == null) {
            context.stats().dropped(TransportStats.Drop.OVERSIZED);
            context.logLimited("oversized-send", "node {}: dropped a {} to node {}: it encodes larger than maxFrameBytes {}",
                    context.localNodeId(), message.getClass().getSimpleName(), peerId, context.options().maxFrameBytes());
            return false;
        }
        int bytes = frame.readableBytes();
        if (!queue.offer(frame)) {
            context.stats().dropped(TransportStats.Drop.BACKPRESSURE);
            return false;
        }
        context.stats().sent(bytes);
        return true;
    }

    private void connect() {
        redial = null;
        if (closed) {
            return;
        }
        ChannelFuture connecting = bootstrap.connect(address);
        Channel channel = connecting.channel();
        current = channel;
        channel.closeFuture().addListener(f -> onClosed(channel));
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                onConnectFailed(f.cause());
                channel.close();
            }
        });
    }

    private void onConnectFailed(Throwable cause) {
        if (!reportedUnreachable && !closed) {
            reportedUnreachable = true;
            context.log().warn("node {}: cannot reach node {} at {} ({}); retrying with backoff up to {}",
                    context.localNodeId(), peerId, address, cause.toString(), context.options().reconnectBackoffMax());
        } else {
            context.log().debug("node {}: still cannot reach node {} at {}: {}", context.localNodeId(), peerId, address,
                    cause.toString());
        }
    }

    /** Called by the handshake handler, on {@link #loop}, once the peer accepted us. */
    void handshaken(Channel channel) {
        backoff.reset();
        reportedUnreachable = false;
        context.stats().handshakeAccepted();
        outbound = new FrameQueue(channel, context.options().writeBufferHighWaterMarkBytes(),
                context.options().writeBufferLowWaterMarkBytes());
        handshaken = channel;
        context.log().info("node {}: connected to node {} at {}", context.localNodeId(), peerId, address);
    }

    private void onClosed(Channel channel) {
        if (handshaken == channel) {
            handshaken = null;
            outbound = null;
            if (!closed) {
                context.log().info("node {}: lost connection to node {} at {}", context.localNodeId(), peerId, address);
            }
        }
        if (current == channel) {
            current = null;
        }
        if (closed) {
            return;
        }
        long delayNanos = backoff.nextDelayNanos();
        context.stats().reconnect();
        try {
            redial = loop.schedule(this::connect, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // The transport is shutting down.
        }
    }

    private void execute(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            // The transport is shutting down.
        }
    }

    void close() {
        closed = true;
        Channel channel = current;
        if (channel != null) {
            channel.close();
        }
    }

    /** For tests: frame bytes accepted for the current connection and not yet written to its socket; 0 without one. */
    long heldBytes() {
        FrameQueue queue = outbound;
        return queue == null ? 0 : queue.heldBytes();
    }

    /** For tests: the connection messages go out on, or null. */
    Channel handshakenChannel() {
        return handshaken;
    }
}
