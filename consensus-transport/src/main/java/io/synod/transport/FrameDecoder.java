package io.synod.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Splits the inbound byte stream into frame bodies (zero-copy slices of the received bytes). The
 * length prefix is checked against the limit as soon as its four bytes arrive, so an oversized or
 * negative length is refused before anything is allocated or buffered for it; the connection is
 * then closed and every byte after it ignored. The limit starts small (a handshake fits in
 * {@link NettyTransportOptions#HANDSHAKE_MAX_FRAME_BYTES}), so an unauthenticated client cannot
 * make the node buffer a large frame, and rises to {@code maxFrameBytes} once the peer is known.
 *
 * <p>Confined to its channel's event loop.
 */
final class FrameDecoder extends ByteToMessageDecoder {
    private final TransportContext context;
    private int maxBodyBytes;
    private boolean countBytes;
    private boolean rejected;

    FrameDecoder(TransportContext context) {
        this.context = context;
        this.maxBodyBytes = NettyTransportOptions.HANDSHAKE_MAX_FRAME_BYTES;
    }

    /** Called once the peer is authenticated: allow full-size frames and count their bytes. */
    void authenticated() {
        maxBodyBytes = context.options().maxFrameBytes();
        countBytes = true;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (rejected) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < Frames.LENGTH_PREFIX_BYTES) {
            return;
        }
        int length = in.getInt(in.readerIndex());
        if (length < 0 || length > maxBodyBytes) {
            reject(ctx, in, length);
            return;
        }
        if (in.readableBytes() < Frames.LENGTH_PREFIX_BYTES + length) {
            return;
        }
        in.skipBytes(Frames.LENGTH_PREFIX_BYTES);
        out.add(in.readRetainedSlice(length));
        if (countBytes) {
            context.stats().frameReceived(Frames.LENGTH_PREFIX_BYTES + length);
        }
    }

    private void reject(ChannelHandlerContext ctx, ByteBuf in, int length) {
        rejected = true;
        in.skipBytes(in.readableBytes());
        TransportStats.FrameRejection reason = length < 0
                ? TransportStats.FrameRejection.NEGATIVE_LENGTH : TransportStats.FrameRejection.OVERSIZED;
        context.rejectFrame(ctx.channel(), reason, "length prefix " + length + " is outside 0.." + maxBodyBytes
                + (countBytes ? " (maxFrameBytes)" : " (limit before the handshake completes)"));
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        decode(ctx, in, out);
        if (in.isReadable() && !rejected) {
            int buffered = in.readableBytes();
            in.skipBytes(buffered);
            context.rejectFrame(ctx.channel(), TransportStats.FrameRejection.TRUNCATED,
                    "connection closed " + buffered + " bytes into a frame");
        }
    }
}
