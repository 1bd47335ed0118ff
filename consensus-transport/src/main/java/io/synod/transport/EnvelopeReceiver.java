package io.synod.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.synod.core.codec.CodecException;
import io.synod.core.codec.WireCodec;
import io.synod.core.protocol.Message;

import java.io.IOException;

/**
 * Receives the envelopes of one handshaken inbound connection (frame bodies from {@link
 * FrameDecoder}, each an array of its own) and hands valid ones to the message handler, on this
 * connection's event loop, in arrival order. A frame that does not decode, or whose sender is not the node authenticated on this connection, closes the connection
 * and reaches no one; a message for another node is dropped. Confined to its channel's event loop.
 */
final class EnvelopeReceiver extends ChannelInboundHandlerAdapter {
    private final TransportContext context;
    private final int peerId;
    private boolean rejected;

    EnvelopeReceiver(TransportContext context, int peerId) {
        this.context = context;
        this.peerId = peerId;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (rejected) {
            return;
        }
        Message message = decode(ctx, (byte[]) msg);
        if (message == null) {
            return;
        }
        if (message.from() != peerId) {
            reject(ctx, TransportStats.FrameRejection.SENDER_MISMATCH, "envelope claims sender " + message.from()
                    + " on the connection authenticated as node " + peerId);
            return;
        }
        if (message.to() != context.localNodeId()) {
            context.dropFrame(ctx.channel(), TransportStats.FrameRejection.WRONG_RECEIVER,
                    "node " + peerId + " sent a message for node " + message.to() + " to node " + context.localNodeId());
            return;
        }
        context.stats().delivered();
        try {
            context.handler().onMessage(message);
        } catch (RuntimeException e) {
            context.stats().handlerFailed();
            context.logLimited("handler", "node {}: the message handler threw on a message from node {}: {}",
                    context.localNodeId(), peerId, e.toString());
        }
    }

    /** The message in {@code body} (which its commands may keep), or null after rejecting the frame. */
    private Message decode(ChannelHandlerContext ctx, byte[] body) {
        try {
            return WireCodec.readOwned(body);
        } catch (CodecException e) {
            reject(ctx, TransportStats.FrameRejection.UNDECODABLE, e.getMessage());
            return null;
        }
    }

    private void reject(ChannelHandlerContext ctx, TransportStats.FrameRejection reason, String detail) {
        rejected = true;
        context.rejectFrame(ctx.channel(), reason, "from node " + peerId + ": " + detail);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            context.log().debug("node {}: connection from node {} failed: {}", context.localNodeId(), peerId, cause.toString());
        } else {
            context.logLimited("inbound-error", "node {}: closing connection from node {} after an error: {}",
                    context.localNodeId(), peerId, cause.toString());
        }
        ctx.close();
    }
}
