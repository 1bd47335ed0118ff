package io.synod.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Splits the inbound byte stream into frame bodies, each a {@code byte[]} of its own that the
 * next handler owns (no reference counting, nothing to release). Bytes are copied once, from
 * Netty's receive buffer straight into the body's array, as they arrive: a cumulating decoder
 * would first copy every read that ends inside a frame into a cumulation buffer, and the receiver
 * would then copy the frame again into an array for the protobuf parser. The receiver's decoded
 * commands keep views of the body instead of copying their payloads (see {@code
 * WireCodec.readOwned}).
 *
 * <p>The length prefix is checked against the limit as soon as its four bytes arrive, so an
 * oversized or negative length is refused before anything is allocated for it; the connection is
 * then closed and every byte after it ignored. The limit starts small (a handshake fits in
 * {@link NettyTransportOptions#HANDSHAKE_MAX_FRAME_BYTES}), so an unauthenticated client cannot
 * make the node hold a large frame, and rises to {@code maxFrameBytes} once the peer is known.
 * A body's array is allocated when its prefix arrives, so an authenticated peer can make the node
 * hold up to {@code maxFrameBytes} per connection before sending the body — as much as it could
 * make a cumulating decoder buffer by sending it.
 *
 * <p>Confined to its channel's event loop.
 */
final class FrameDecoder extends ChannelInboundHandlerAdapter {
    private final TransportContext context;
    private int maxBodyBytes;
    private boolean countBytes;
    private boolean rejected;
    /** The bytes of a length prefix received so far (big-endian), while {@link #body} is null. */
    private int prefix;
    private int prefixBytes;
    /** The body being received, or null between frames; {@link #filled} bytes of it have arrived. */
    private byte[] body;
    private int filled;

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
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            while (!rejected && in.isReadable()) {
                if (body == null && !startFrame(ctx, in)) {
                    return; // the prefix is incomplete, or was refused
                }
                int n = Math.min(in.readableBytes(), body.length - filled);
                in.readBytes(body, filled, n);
                filled += n;
                if (filled == body.length) {
                    byte[] frame = body;
                    body = null;
                    if (countBytes) {
                        context.stats().frameReceived(Frames.LENGTH_PREFIX_BYTES + frame.length);
                    }
                    // May authenticate the peer (raising the limit) before the next frame is read.
                    ctx.fireChannelRead(frame);
                }
            }
        } finally {
            in.release();
        }
    }

    /** Reads (the rest of) a length prefix; true once {@link #body} is allocated for it. */
    private boolean startFrame(ChannelHandlerContext ctx, ByteBuf in) {
        int length;
        if (prefixBytes == 0 && in.readableBytes() >= Frames.LENGTH_PREFIX_BYTES) {
            length = in.readInt();
        } else {
            while (prefixBytes < Frames.LENGTH_PREFIX_BYTES && in.isReadable()) {
                prefix = (prefix << 8) | in.readUnsignedByte();
                prefixBytes++;
            }
            if (prefixBytes < Frames.LENGTH_PREFIX_BYTES) {
                return false;
            }
            length = prefix;
            prefix = 0;
            prefixBytes = 0;
        }
        if (length < 0 || length > maxBodyBytes) {
            reject(ctx, length);
            return false;
        }
        body = new byte[length];
        filled = 0;
        return true;
    }

    private void reject(ChannelHandlerContext ctx, int length) {
        rejected = true;
        TransportStats.FrameRejection reason = length < 0
                ? TransportStats.FrameRejection.NEGATIVE_LENGTH : TransportStats.FrameRejection.OVERSIZED;
        context.rejectFrame(ctx.channel(), reason, "length prefix " + length + " is outside 0.." + maxBodyBytes
                + (countBytes ? " (maxFrameBytes)" : " (limit before the handshake completes)"));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!rejected && (body != null || prefixBytes > 0)) {
            int buffered = body != null ? Frames.LENGTH_PREFIX_BYTES + filled : prefixBytes;
            body = null;
            context.rejectFrame(ctx.channel(), TransportStats.FrameRejection.TRUNCATED,
                    "connection closed " + buffered + " bytes into a frame");
        }
        ctx.fireChannelInactive();
    }
}
