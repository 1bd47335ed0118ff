package io.synod.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.ScheduledFuture;
import io.synod.transport.proto.HelloReply;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;

/**
 * The dialing side of the handshake: sends a Hello when connected and waits, within the handshake
 * timeout, for the reply of the node it meant to reach (and, with TLS, a certificate naming that
 * node). Only then does the {@link PeerLink} use the connection for sending. The acceptor sends
 * nothing after its reply, so any later inbound frame closes the connection. Confined to its
 * channel's event loop.
 */
final class OutboundHandshakeHandler extends ChannelInboundHandlerAdapter {
    private final TransportContext context;
    private final PeerLink link;
    private ScheduledFuture<?> timeout;
    private boolean finished;

    OutboundHandshakeHandler(TransportContext context, PeerLink link) {
        this.context = context;
        this.link = link;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long millis = context.options().handshakeTimeout().toMillis();
        timeout = ctx.executor().schedule(() -> {
            if (!finished && ctx.channel().isActive()) {
                fail(ctx, TransportStats.HandshakeRefusal.TIMEOUT, "no reply within " + millis + " ms");
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(Frames.encode(ctx.alloc(), Handshake.hello(context.options(), link.peerId()),
                NettyTransportOptions.HANDSHAKE_MAX_FRAME_BYTES), ctx.voidPromise());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (finished) {
            if (ctx.channel().isActive()) {
                context.rejectFrame(ctx.channel(), TransportStats.FrameRejection.UNEXPECTED,
                        "node " + link.peerId() + " sent a frame after its handshake reply");
            }
            return;
        }
        HelloReply reply;
        try {
            reply = HelloReply.parseFrom((byte[]) msg);
        } catch (IOException e) {
            fail(ctx, TransportStats.HandshakeRefusal.MALFORMED, "reply is not a hello reply: " + e.getMessage());
            return;
        }
        if (!reply.getAccepted()) {
            fail(ctx, TransportStats.HandshakeRefusal.REFUSED_BY_PEER, "node " + link.peerId() + " refused us ("
                    + reply.getReason() + "): " + reply.getDetail());
        } else if (reply.getNodeId() != link.peerId()) {
            fail(ctx, TransportStats.HandshakeRefusal.WRONG_TARGET, "dialed node " + link.peerId() + " but node "
                    + Integer.toUnsignedString(reply.getNodeId()) + " answered (check the members' addresses)");
        } else {
            checkCertificateAndFinish(ctx);
        }
    }

    private void checkCertificateAndFinish(ChannelHandlerContext ctx) {
        X509Certificate certificate;
        try {
            certificate = TlsContexts.peerCertificate(ctx.channel());
        } catch (SSLPeerUnverifiedException e) {
            fail(ctx, TransportStats.HandshakeRefusal.TLS_FAILURE, e.getMessage());
            return;
        }
        if (certificate != null && !CertificateIdentity.names(certificate, link.peerId())) {
            fail(ctx, TransportStats.HandshakeRefusal.CERTIFICATE_MISMATCH, "the certificate of the node at "
                    + ctx.channel().remoteAddress() + " (" + certificate.getSubjectX500Principal() + ") does not name "
                    + CertificateIdentity.nameOf(link.peerId()));
            return;
        }
        finished = true;
        timeout.cancel(false);
        link.handshaken(ctx.channel());
    }

    private void fail(ChannelHandlerContext ctx, TransportStats.HandshakeRefusal reason, String detail) {
        finished = true;
        timeout.cancel(false);
        context.handshakeRefused(ctx.channel(), reason, detail);
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent tls && !tls.isSuccess() && !finished) {
            fail(ctx, TransportStats.HandshakeRefusal.TLS_FAILURE, "TLS handshake with node " + link.peerId()
                    + " failed: " + tls.cause());
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A write racing with a close fails with ClosedChannelException (an IOException): the message is
        // lost, as send() allows.
        // During the handshake, failures (TLS alerts among them) are counted and logged by fail().
        if (cause instanceof IOException || !finished) {
            context.log().debug("node {}: connection to node {} failed: {}", context.localNodeId(), link.peerId(),
                    cause.toString());
        } else {
            context.logLimited("outbound-error", "node {}: closing connection to node {} after an error: {}",
                    context.localNodeId(), link.peerId(), cause.toString());
        }
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
