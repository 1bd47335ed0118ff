package io.synod.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import io.synod.transport.proto.Hello;
import io.synod.transport.proto.HelloReply;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

/**
 * The accepting side of the handshake. Expects a Hello as the first frame within the handshake
 * timeout; refuses (with a reply saying why, where the peer is a Synod node) or accepts, and on
 * accepting replaces itself with an {@link EnvelopeReceiver} bound to the authenticated node id.
 * Nothing reaches the protocol before that. Confined to its channel's event loop.
 */
final class InboundHandshakeHandler extends ChannelInboundHandlerAdapter {
    private final TransportContext context;
    private final FrameDecoder decoder;
    private ScheduledFuture<?> timeout;
    private boolean finished;

    InboundHandshakeHandler(TransportContext context, FrameDecoder decoder) {
        this.context = context;
        this.decoder = decoder;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long millis = context.options().handshakeTimeout().toMillis();
        timeout = ctx.executor().schedule(() -> {
            if (!finished) {
                refuse(ctx, new Handshake.Refusal(TransportStats.HandshakeRefusal.TIMEOUT, null,
                        "no valid hello within " + millis + " ms"));
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (finished) {
            return; // pipelined after a refusal; the connection is closing
        }
        Hello hello;
        try {
            hello = Hello.parseFrom((byte[]) msg);
        } catch (IOException e) {
            refuse(ctx, new Handshake.Refusal(TransportStats.HandshakeRefusal.MALFORMED, null,
                    "first frame is not a hello: " + e.getMessage()));
            return;
        }
        X509Certificate certificate;
        try {
            certificate = TlsContexts.peerCertificate(ctx.channel());
        } catch (SSLPeerUnverifiedException e) {
            refuse(ctx, new Handshake.Refusal(TransportStats.HandshakeRefusal.TLS_FAILURE, null, e.getMessage()));
            return;
        }
        Handshake.Refusal refusal = Handshake.check(hello, context.options(), context.peers(), certificate);
        if (refusal != null) {
            refuse(ctx, refusal);
        } else {
            accept(ctx, hello.getNodeId());
        }
    }

    private void accept(ChannelHandlerContext ctx, int peerId) {
        finished = true;
        timeout.cancel(false);
        Channel channel = ctx.channel();
        context.stats().handshakeAccepted();
        decoder.authenticated();
        context.inbound().authenticated(peerId, channel);
        // Replace before replying, so frames pipelined behind the hello go to the receiver.
        ctx.pipeline().replace(this, "receiver", new EnvelopeReceiver(context, peerId));
        channel.writeAndFlush(Frames.encode(channel.alloc(), Handshake.accepted(context.localNodeId()),
                NettyTransportOptions.HANDSHAKE_MAX_FRAME_BYTES));
        context.log().info("node {}: accepted connection from node {} at {}", context.localNodeId(), peerId,
                channel.remoteAddress());
        context.peerAccepted(peerId);
    }

    private void refuse(ChannelHandlerContext ctx, Handshake.Refusal refusal) {
        finished = true;
        timeout.cancel(false);
        Channel channel = ctx.channel();
        context.handshakeRefused(channel, refusal.reason(), refusal.detail());
        if (refusal.wireReason() == null || !channel.isActive()) {
            channel.close();
            return;
        }
        HelloReply reply = Handshake.refused(context.localNodeId(), refusal);
        channel.writeAndFlush(Frames.encode(channel.alloc(), reply, NettyTransportOptions.HANDSHAKE_MAX_FRAME_BYTES))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess() && !finished) {
            refuse(ctx, new Handshake.Refusal(TransportStats.HandshakeRefusal.TLS_FAILURE, null,
                    "TLS handshake failed: " + tls.cause()));
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // TLS failures are counted by userEventTriggered; resets and other I/O errors just end the connection.
        context.log().debug("node {}: closing unauthenticated connection from {}: {}", context.localNodeId(),
                ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
        ctx.fireChannelInactive();
    }
}
