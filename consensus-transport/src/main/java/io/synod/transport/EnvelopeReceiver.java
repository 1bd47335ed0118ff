package io.synod.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.synod.core.codec.CodecException;
import io.synod.core.codec.WireCodec;
import io.synod.core.protocol.Message;

import java.io.IOException;

/**
 * Receives the envelopes of one handshaken inbound connection and hands valid ones to the
 * message handler, on this connection's event loop, in arrival order. A frame that does not
 * decode, or whose sender is not the node authenticated on this connection, closes the connection
 * and reaches no one; a message for another node is dropped. Confined to its channel's event loop.
 */
final class EnvelopeReceiver extends ChannelInboundHandlerAdapter {
    /** Frames up to this size are decoded from a reused array; larger ones (snapshot chunks) from their own. */
    private static final int SCRATCH_LIMIT = 64 * 1024;

    private final TransportContext context;
    private final int peerId;
    /**
     * The frame body copied out of Netty's (direct) buffer. Protobuf cannot parse a direct buffer
     * in place here, so it would copy each frame into a fresh array; this one is reused instead.
     * Safe because decoding copies every payload out of it.
     */
    private byte[] scratch = new byte[4096];
    private boolean rejected;

    EnvelopeReceiver(TransportContext context, int peerId) {
        this.context = context;
        this.peerId = peerId;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (rejected) {
            ReferenceCountUtil.release(msg);
            return;
        }
        Message message = decode(ctx, (ByteBuf) msg);
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

    /** The message in {@code frame} (which it releases), or null after rejecting the frame. */
    private Message decode(ChannelHandlerContext ctx, ByteBuf frame) {
        try {
            int length = frame.readableBytes();
            if (frame.hasArray()) {
                return WireCodec.read(java.nio.ByteBuffer.wrap(frame.array(), frame.arrayOffset() + frame.readerIndex(), length));
            }
            byte[] into = scratch;
            if (into.length < length) {
                into = new byte[length];
                if (length <= SCRATCH_LIMIT) {
                    scratch = into;
                }
            }
            frame.getBytes(frame.readerIndex(), into, 0, length);
            return WireCodec.read(java.nio.ByteBuffer.wrap(into, 0, length));
        } catch (CodecException e) {
            reject(ctx, TransportStats.FrameRejection.UNDECODABLE, e.getMessage());
        } finally {
            frame.release();
        }
        return null;
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
